import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { cleanDisplayName } from '@nixflow/core';
import type { FileStorage } from './file-storage.js';

/**
 * The original name for display and download (NFC, no directories, control characters or leading dots);
 * `file` when nothing is left. Never used in a key: files are named by a random UUID.
 */
export function displayFileName(name: string | null | undefined): string {
  return cleanDisplayName(name) || 'file';
}

/** A name safe in a key or on disk: no directories, no leading dots, a limited character set. */
export function safeFileName(name: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '')
    .slice(-100);
  return cleaned || 'file';
}

export interface StoredFile {
  /** The storage key, forward slashes: what the *Attachment.storagePath columns hold. */
  storagePath: string;
  /** The original name (displayFileName) for display and the download's Content-Disposition. */
  fileName: string;
}

/** The folder key of a feature's files, e.g. ['kb', articleId] -> kb/<articleId>. */
export const folderKey = (folder: string[]): string => path.posix.join(...folder.map(safeFileName));

/**
 * The attachments of every feature (knowledge base, forms, e-mail) over one FileStorage: the naming rule
 * (<folder...>/<random UUID>; the sender's name is for display only) and the few operations features need.
 */
export class AttachmentFiles {
  constructor(readonly storage: FileStorage) {}

  /** Stores `data` under a new key; call remove when the row that should reference it could not be written. */
  async storeFile(folder: string[], originalName: string, data: Buffer, contentType?: string): Promise<StoredFile> {
    const stored = this.newKey(folder, originalName);
    await this.storage.put(stored.storagePath, data, { contentType });
    return stored;
  }

  /** Stores a streamed upload's temp file, hashing it on the way (read in chunks, never whole). */
  async storeTempFile(
    folder: string[],
    originalName: string,
    tempPath: string,
    contentType?: string,
  ): Promise<StoredFile & { sha256: string }> {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(tempPath)) hash.update(chunk as Buffer);
    const stored = this.newKey(folder, originalName);
    await this.storage.putFile(stored.storagePath, tempPath, { contentType });
    return { ...stored, sha256: hash.digest('hex') };
  }

  /** A stream of a stored file; StoredFileMissingError when it is gone. */
  open(storagePath: string): Promise<Readable> {
    return this.storage.get(storagePath);
  }

  remove(storagePath: string): Promise<void> {
    return this.storage.delete(storagePath);
  }

  /** Deletes a folder of stored files (missing is fine). */
  removeFolder(folder: string[]): Promise<void> {
    return this.storage.deleteFolder(folderKey(folder));
  }

  /** Deletes a folder when it is empty (anything else is left alone). */
  removeFolderIfEmpty(folder: string[]): Promise<void> {
    return this.storage.removeEmptyFolder(folderKey(folder));
  }

  private newKey(folder: string[], originalName: string): StoredFile {
    return { storagePath: path.posix.join(folderKey(folder), randomUUID()), fileName: displayFileName(originalName) };
  }
}

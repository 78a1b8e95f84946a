import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestException } from '@nestjs/common';

// Attachments of every feature (knowledge base, email, forms) live on disk under UPLOAD_DIR;
// the database keeps the path relative to it, always with forward slashes.

export function uploadRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.UPLOAD_DIR || './uploads');
}

/** A file name safe to put on disk: no directories, no leading dots, a limited character set. */
export function safeFileName(name: string): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '')
    .slice(-100);
  return cleaned || 'file';
}

/** `rel` resolved under `root`; throws when it would escape it. */
export function insideRoot(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) throw new BadRequestException('Invalid attachment path');
  return full;
}

export interface StoredFile {
  /** Relative to uploadRoot(), forward slashes: what the *Attachment.storagePath columns hold. */
  storagePath: string;
  fileName: string;
}

/**
 * Writes `data` to <root>/<folder...>/<random>-<safe name> (never overwriting) and returns its path.
 * Call removeStoredFile when the database row that should reference it could not be written.
 */
export async function storeFile(folder: string[], originalName: string, data: Buffer): Promise<StoredFile> {
  const fileName = safeFileName(originalName);
  const rel = path.join(...folder.map(safeFileName), `${randomBytes(8).toString('hex')}-${fileName}`);
  const full = insideRoot(uploadRoot(), rel);
  await fs.promises.mkdir(path.dirname(full), { recursive: true });
  await fs.promises.writeFile(full, data, { flag: 'wx' });
  return { storagePath: rel.split(path.sep).join('/'), fileName };
}

export async function removeStoredFile(storagePath: string): Promise<void> {
  await fs.promises.rm(insideRoot(uploadRoot(), storagePath), { force: true });
}

/** The absolute path of a stored file (throws on a path escaping the upload root). */
export function storedFilePath(storagePath: string): string {
  return insideRoot(uploadRoot(), storagePath);
}

import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { create as createContentDisposition } from 'content-disposition';
import { cleanDisplayName } from '@nixflow/core';

// Attachments of every feature (knowledge base, email, forms) live on disk under UPLOAD_DIR;
// the database keeps the path relative to it, always with forward slashes.

/** Types accepted for uploads when a feature (or a form field) does not say otherwise. */
export const ALLOWED_ATTACHMENT_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/zip',
  'application/x-zip-compressed',
]);

export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** A positive byte limit from `env[variable]`, else the default. */
export function maxBytesFromEnv(variable: string, env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env[variable] ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_ATTACHMENT_BYTES;
}

export function uploadRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.UPLOAD_DIR || './uploads');
}

/**
 * The original name for display and download (NFC, no directories, control characters or leading dots);
 * `file` when nothing is left. Never used on disk: storeFile names files by a random UUID.
 */
export function displayFileName(name: string | null | undefined): string {
  return cleanDisplayName(name) || 'file';
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
  /** The original name (displayFileName) for display and the download's Content-Disposition. */
  fileName: string;
}

/**
 * Writes `data` to <root>/<folder...>/<random UUID> (never overwriting) and returns its path with the display
 * name; the name on disk never derives from the sender's. Call removeStoredFile when the database row that
 * should reference it could not be written.
 */
export async function storeFile(folder: string[], originalName: string, data: Buffer): Promise<StoredFile> {
  const { full, stored } = await newStoredPath(folder, originalName);
  await fs.promises.writeFile(full, data, { flag: 'wx' });
  return stored;
}

/** Where a new upload goes (its folder created): the one naming rule of storeFile and moved temp uploads. */
async function newStoredPath(folder: string[], originalName: string): Promise<{ full: string; stored: StoredFile }> {
  // The sender's name is for display only; on disk a file is a random UUID.
  const fileName = displayFileName(originalName);
  const rel = path.join(...folder.map(safeFileName), randomUUID());
  const full = insideRoot(uploadRoot(), rel);
  await fs.promises.mkdir(path.dirname(full), { recursive: true });
  return { full, stored: { storagePath: rel.split(path.sep).join('/'), fileName } };
}

export async function removeStoredFile(storagePath: string): Promise<void> {
  await fs.promises.rm(insideRoot(uploadRoot(), storagePath), { force: true });
}

/** The absolute path of a stored file (throws on a path escaping the upload root). */
export function storedFilePath(storagePath: string): string {
  return insideRoot(uploadRoot(), storagePath);
}

// ── multipart uploads (multer memory storage, or disk storage in a temp folder for form submissions) ──

export interface UploadedFileLike {
  originalname: string;
  mimetype: string;
  size: number;
  /** Memory storage. */
  buffer?: Buffer;
  /** Disk storage: the temp file (moved into place by storeUpload, else deleted by the interceptor). */
  path?: string;
  /** Multipart field name. */
  fieldname?: string;
}

/** The MIME type without parameters, lower case. */
export function contentTypeOf(file: Pick<UploadedFileLike, 'mimetype'>): string {
  return (file.mimetype || '').toLowerCase().split(';')[0]!.trim();
}

export interface StoredUpload extends StoredFile {
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** storeFile for an upload, with the facts the attachment rows keep. */
export async function storeUpload(folder: string[], file: UploadedFileLike): Promise<StoredUpload> {
  const facts = { contentType: contentTypeOf(file), sizeBytes: file.size };
  if (file.path) return { ...(await moveTempFile(folder, file.originalname, file.path)), ...facts };
  const data = file.buffer ?? Buffer.alloc(0);
  const stored = await storeFile(folder, file.originalname, data);
  return { ...stored, ...facts, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Where streamed uploads wait for their checks: inside the upload root, so moving them is a rename. */
export function uploadTempDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(uploadRoot(env), '.tmp');
}

/** Moves a temp upload to <root>/<folder...>/<random>-<safe name>, hashing it on the way (streamed). */
async function moveTempFile(
  folder: string[],
  originalName: string,
  tempPath: string,
): Promise<StoredFile & { sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(tempPath)) hash.update(chunk as Buffer);
  const { full, stored } = await newStoredPath(folder, originalName);
  try {
    await fs.promises.rename(tempPath, full);
  } catch {
    // Another device (UPLOAD_DIR moved under us): copy, then the temp file goes with the request.
    await fs.promises.copyFile(tempPath, full, fs.constants.COPYFILE_EXCL);
  }
  return { ...stored, sha256: hash.digest('hex') };
}

/** Deletes a folder of stored files (missing is fine). */
export async function removeStoredFolder(folder: string[]): Promise<void> {
  const rel = path.join(...folder.map(safeFileName));
  await fs.promises.rm(insideRoot(uploadRoot(), rel), { recursive: true, force: true });
}

/** Deletes a folder when it is empty (anything else is left alone). */
export async function removeFolderIfEmpty(folder: string[]): Promise<void> {
  const rel = path.join(...folder.map(safeFileName));
  await fs.promises.rmdir(insideRoot(uploadRoot(), rel)).catch(() => undefined);
}

/** A read stream over a stored file; 404 when the file is gone. */
export async function openStored(storagePath: string): Promise<fs.ReadStream> {
  const full = storedFilePath(storagePath);
  try {
    await fs.promises.access(full, fs.constants.R_OK);
  } catch {
    throw new NotFoundException('Attachment file is missing');
  }
  return fs.createReadStream(full);
}

/**
 * RFC 6266 Content-Disposition (the `content-disposition` package): an ASCII `filename` fallback (accents
 * dropped, anything else `_`) and the original name as UTF-8 `filename*` whenever they differ.
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const original = displayFileName(name);
  const ascii =
    original
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'file';
  return createContentDisposition(original, { type, fallback: ascii });
}

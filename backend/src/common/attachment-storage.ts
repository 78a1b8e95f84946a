import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestException, NotFoundException } from '@nestjs/common';

/** Upload storage shared by the knowledge base and form submissions: files under UPLOAD_DIR, safe names. */

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

export interface UploadedFileLike {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
  /** Multipart field name (multer). */
  fieldname?: string;
}

/** The MIME type without parameters, lower case. */
export function contentTypeOf(file: Pick<UploadedFileLike, 'mimetype'>): string {
  return (file.mimetype || '').toLowerCase().split(';')[0]!.trim();
}

export interface StoredFile {
  /** Relative to the upload root, with forward slashes (what the database keeps). */
  storagePath: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** Writes an upload under `<root>/<dir…>/<random>-<safe name>` (never overwriting) and describes it. */
export async function storeUpload(dir: string[], file: UploadedFileLike, root = uploadRoot()): Promise<StoredFile> {
  const fileName = safeFileName(file.originalname);
  const rel = path.join(...dir.map(safeFileName), `${randomBytes(8).toString('hex')}-${fileName}`);
  const full = insideRoot(root, rel);
  await fs.promises.mkdir(path.dirname(full), { recursive: true });
  await fs.promises.writeFile(full, file.buffer, { flag: 'wx' });
  return {
    storagePath: rel.split(path.sep).join('/'),
    fileName,
    contentType: contentTypeOf(file),
    sizeBytes: file.size,
    sha256: createHash('sha256').update(file.buffer).digest('hex'),
  };
}

/** Deletes a stored file (missing is fine). */
export async function removeStored(storagePath: string, root = uploadRoot()): Promise<void> {
  await fs.promises.rm(insideRoot(root, storagePath), { force: true });
}

/** Deletes a directory of stored files (missing is fine). */
export async function removeStoredDir(dir: string[], root = uploadRoot()): Promise<void> {
  const rel = path.join(...dir.map(safeFileName));
  await fs.promises.rm(insideRoot(root, rel), { recursive: true, force: true });
}

/** Deletes a directory of stored files when it is empty (ignores anything else). */
export async function removeDirIfEmpty(dir: string[], root = uploadRoot()): Promise<void> {
  const rel = path.join(...dir.map(safeFileName));
  await fs.promises.rmdir(insideRoot(root, rel)).catch(() => undefined);
}

/** A read stream over a stored file; 404 when the file is gone. */
export async function openStored(storagePath: string, root = uploadRoot()): Promise<fs.ReadStream> {
  const full = insideRoot(root, storagePath);
  try {
    await fs.promises.access(full, fs.constants.R_OK);
  } catch {
    throw new NotFoundException('Attachment file is missing');
  }
  return fs.createReadStream(full);
}

/** RFC 6266 Content-Disposition with an ASCII fallback and a UTF-8 filename*. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

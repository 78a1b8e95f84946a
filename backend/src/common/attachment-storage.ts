import { createHash } from 'node:crypto';
import path from 'node:path';
import { create as createContentDisposition } from 'content-disposition';
import { type AttachmentFiles, displayFileName, type StoredFile } from '@nixflow/storage';

// Attachments of every feature (knowledge base, email, forms) go through AttachmentFiles (@nixflow/storage):
// local disk under UPLOAD_DIR or an S3 bucket; the database keeps the key, always with forward slashes.
export { displayFileName, insideRoot, safeFileName, type StoredFile } from '@nixflow/storage';

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

/** Where streamed uploads wait for their checks: inside UPLOAD_DIR (local driver: moving them is a rename). */
export function uploadTempDir(uploadDir: string): string {
  return path.join(path.resolve(uploadDir), '.tmp');
}

// ── multipart uploads (multer memory storage, or disk storage in a temp folder for form submissions) ──

export interface UploadedFileLike {
  originalname: string;
  mimetype: string;
  size: number;
  /** Memory storage. */
  buffer?: Buffer;
  /** Disk storage: the temp file (stored by storeUpload, else deleted by the interceptor). */
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

/** Stores an upload (a temp file streamed, or multer's buffer) with the facts the attachment rows keep. */
export async function storeUpload(
  files: AttachmentFiles,
  folder: string[],
  file: UploadedFileLike,
): Promise<StoredUpload> {
  const facts = { contentType: contentTypeOf(file), sizeBytes: file.size };
  if (file.path)
    return { ...(await files.storeTempFile(folder, file.originalname, file.path, facts.contentType)), ...facts };
  const data = file.buffer ?? Buffer.alloc(0);
  const stored = await files.storeFile(folder, file.originalname, data, facts.contentType);
  return { ...stored, ...facts, sha256: createHash('sha256').update(data).digest('hex') };
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

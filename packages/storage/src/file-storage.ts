import type { Readable } from 'node:stream';

/** What a driver needs to know about a file it stores (the S3 driver keeps it as object metadata). */
export interface PutOptions {
  contentType?: string;
}

/** What a signed download URL makes the storage answer with (S3 `response-content-*` overrides). */
export interface SignedUrlOptions {
  expiresInSeconds: number;
  contentType?: string;
  contentDisposition?: string;
}

/**
 * Where attachment files live. Keys are relative paths with forward slashes (what the *Attachment.storagePath
 * columns hold), the same for every driver, so a deployment can move from disk to a bucket by copying files.
 */
export interface FileStorage {
  readonly driver: 'local' | 's3';
  /** Writes a new file (keys are random: a driver may refuse to overwrite). A stream is not buffered. */
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<void>;
  /** Stores the contents of a local file (a streamed upload's temp file); the local driver moves it. */
  putFile(key: string, sourcePath: string, options?: PutOptions): Promise<void>;
  /** A stream of the file's bytes; StoredFileMissingError when there is none. */
  get(key: string): Promise<Readable>;
  /** The file's size, or null when there is none. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Deletes a file (missing is fine). */
  delete(key: string): Promise<void>;
  /** Deletes every file under a folder key (missing is fine). */
  deleteFolder(prefix: string): Promise<void>;
  /** Deletes a folder when it is empty; drivers without folders do nothing. */
  removeEmptyFolder(prefix: string): Promise<void>;
  /** A short-lived URL the client can fetch the file from directly; drivers that cannot sign lack it. */
  signedUrl?(key: string, options: SignedUrlOptions): Promise<string>;
}

export class StoredFileMissingError extends Error {
  constructor(readonly key: string) {
    super(`Stored file ${key} is missing`);
    this.name = 'StoredFileMissingError';
  }
}

export class InvalidStorageKeyError extends Error {
  constructor(readonly key: string) {
    super('Invalid attachment path');
    this.name = 'InvalidStorageKeyError';
  }
}

/** `key` when it is a relative path that stays inside the storage (no `..`, no leading slash, no backslash). */
export function checkedKey(key: string): string {
  const parts = key.split('/');
  if (!key || key.startsWith('/') || key.includes('\\') || parts.some((p) => p === '..' || p === '.' || p === '')) {
    throw new InvalidStorageKeyError(key);
  }
  return key;
}

import type { FileStorage } from './file-storage.js';
import { LocalDiskStorage } from './local-disk-storage.js';
import { S3Storage, type S3StorageOptions } from './s3-storage.js';

export const STORAGE_DRIVERS = ['local', 's3'] as const;
export const STORAGE_DOWNLOAD_MODES = ['stream', 'redirect'] as const;

export type StorageConfig = (
  { driver: 'local'; uploadDir: string } | ({ driver: 's3'; uploadDir: string } & S3StorageOptions)
) & {
  /** stream: the API sends the bytes; redirect: 302 to a signed URL (drivers that can sign). */
  downloadMode: (typeof STORAGE_DOWNLOAD_MODES)[number];
  signedUrlTtlSeconds: number;
};

/** The driver a configuration names. */
export function createFileStorage(config: StorageConfig): FileStorage {
  if (config.driver === 's3') return new S3Storage(config);
  return new LocalDiskStorage(config.uploadDir);
}

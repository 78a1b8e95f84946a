import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FileStorage, InvalidStorageKeyError, StoredFileMissingError } from './file-storage.js';

/** `rel` resolved under `root`; throws when it would escape it. */
export function insideRoot(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) throw new InvalidStorageKeyError(rel);
  return full;
}

/** Files under one folder (UPLOAD_DIR): the default driver, and what a single-process install needs. */
export class LocalDiskStorage implements FileStorage {
  readonly driver = 'local' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The absolute path of a key (throws on one escaping the root). */
  pathOf(key: string): string {
    return insideRoot(this.root, key);
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const full = await this.prepare(key);
    // 'wx': a key is never overwritten.
    if (Buffer.isBuffer(body)) await fs.promises.writeFile(full, body, { flag: 'wx' });
    else await pipeline(body, fs.createWriteStream(full, { flags: 'wx' }));
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const full = await this.prepare(key);
    try {
      await fs.promises.rename(sourcePath, full);
    } catch {
      // Another device (the temp folder elsewhere): copy; the caller deletes its temp file.
      await fs.promises.copyFile(sourcePath, full, fs.constants.COPYFILE_EXCL);
    }
  }

  async get(key: string): Promise<Readable> {
    const full = this.pathOf(key);
    try {
      await fs.promises.access(full, fs.constants.R_OK);
    } catch {
      throw new StoredFileMissingError(key);
    }
    return fs.createReadStream(full);
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const s = await fs.promises.stat(this.pathOf(key)).catch(() => null);
    return s?.isFile() ? { size: s.size } : null;
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async deleteFolder(prefix: string): Promise<void> {
    await fs.promises.rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  async removeEmptyFolder(prefix: string): Promise<void> {
    await fs.promises.rmdir(this.pathOf(prefix)).catch(() => undefined);
  }

  private async prepare(key: string): Promise<string> {
    const full = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(full), { recursive: true });
    return full;
  }
}

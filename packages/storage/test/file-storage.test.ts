// Both drivers against the same contract: local disk over a temp folder, S3 over a real S3-protocol server
// (s3rver on a free loopback port).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  AttachmentFiles,
  type FileStorage,
  InvalidStorageKeyError,
  LocalDiskStorage,
  S3Storage,
  StoredFileMissingError,
} from '../src/index.js';
import { startS3TestServer, type S3TestServer } from '../src/testing/index.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `size` pseudo-random bytes, produced in chunks (never one buffer). */
function generated(size: number, seed: string): { stream: Readable; sha256: Promise<string> } {
  const hash = createHash('sha256');
  let sent = 0;
  let done!: (v: string) => void;
  const sha256 = new Promise<string>((resolve) => (done = resolve));
  const stream = new Readable({
    read() {
      if (sent >= size) {
        done(hash.digest('hex'));
        this.push(null);
        return;
      }
      const chunk = createHash('sha512')
        .update(`${seed}:${sent}`)
        .digest()
        .subarray(0, Math.min(64, size - sent));
      const block = Buffer.concat(Array.from({ length: 1024 }, () => chunk)).subarray(0, Math.min(65536, size - sent));
      sent += block.length;
      hash.update(block);
      this.push(block);
    },
  });
  return { stream, sha256 };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function contract(name: string, make: () => FileStorage) {
  describe(`${name} driver`, () => {
    it('put (buffer and stream), get, stat, delete', async () => {
      const storage = make();
      const data = randomBytes(1000);
      await storage.put('kb/a/one', data, { contentType: 'application/pdf' });
      assert.deepEqual(await readAll(await storage.get('kb/a/one')), data);
      assert.deepEqual(await storage.stat('kb/a/one'), { size: 1000 });

      await storage.put('kb/a/two', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
      assert.equal((await readAll(await storage.get('kb/a/two'))).toString(), 'hello world');

      await storage.delete('kb/a/one');
      assert.equal(await storage.stat('kb/a/one'), null);
      await assert.rejects(storage.get('kb/a/one'), StoredFileMissingError);
      await storage.delete('kb/a/one'); // missing is fine
    });

    it('a stream larger than one multipart part arrives whole', async () => {
      const storage = make();
      const size = 12 * 1024 * 1024 + 123;
      const { stream, sha256 } = generated(size, name);
      await storage.put('forms/big/file', stream, { contentType: 'application/zip' });
      assert.deepEqual(await storage.stat('forms/big/file'), { size });
      assert.equal(sha(await readAll(await storage.get('forms/big/file'))), await sha256);
    });

    it('putFile stores a temp file; deleteFolder removes a folder and nothing else', async () => {
      const storage = make();
      const temp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-storage-')), 'upload');
      fs.writeFileSync(temp, 'from a temp file');
      await storage.putFile('forms/f1/s1/x', temp);
      await storage.put('forms/f1/s1/y', Buffer.from('y'));
      await storage.put('forms/f1/s2/z', Buffer.from('z'));
      assert.equal((await readAll(await storage.get('forms/f1/s1/x'))).toString(), 'from a temp file');
      await storage.deleteFolder('forms/f1/s1');
      assert.equal(await storage.stat('forms/f1/s1/x'), null);
      assert.equal(await storage.stat('forms/f1/s1/y'), null);
      assert.deepEqual(await storage.stat('forms/f1/s2/z'), { size: 1 });
      await storage.deleteFolder('forms/never'); // missing is fine
    });

    it('keys never leave the storage', async () => {
      const storage = make();
      for (const key of ['../escape', 'kb/../../escape', '/etc/passwd']) {
        await assert.rejects(
          (async () => storage.get(key))(),
          (err: unknown) => err instanceof InvalidStorageKeyError || err instanceof StoredFileMissingError,
          key,
        );
      }
      await assert.rejects((async () => storage.put('../escape', Buffer.from('x')))(), InvalidStorageKeyError);
    });

    it('AttachmentFiles names files by a random key under the folder and keeps the display name', async () => {
      const files = new AttachmentFiles(make());
      const stored = await files.storeFile(['email', 'acc', 'msg'], '../../Erklärung.pdf', Buffer.from('%PDF'));
      assert.match(stored.storagePath, /^email\/acc\/msg\/[0-9a-f-]{36}$/);
      assert.equal(stored.fileName, 'Erklärung.pdf');
      assert.equal((await readAll(await files.open(stored.storagePath))).toString(), '%PDF');
      await files.removeFolder(['email', 'acc', 'msg']);
      await assert.rejects(files.open(stored.storagePath), StoredFileMissingError);
    });
  });
}

let s3: S3TestServer;
let uploadDir: string;
before(async () => {
  s3 = await startS3TestServer();
  uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixflow-local-storage-'));
});
after(async () => {
  await s3?.close();
  if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
});

const s3Storage = () =>
  new S3Storage({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  });

contract('local', () => new LocalDiskStorage(uploadDir));
contract('s3', s3Storage);

describe('s3 signed URLs', () => {
  it('a signed URL serves the file with the type and disposition it names', async () => {
    const storage = s3Storage();
    await storage.put('kb/signed/file', Buffer.from('signed bytes'), { contentType: 'text/plain' });
    const url = await storage.signedUrl('kb/signed/file', {
      expiresInSeconds: 60,
      contentType: 'text/plain',
      contentDisposition: 'attachment; filename="notes.txt"',
    });
    assert.match(url, /X-Amz-Signature=/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'signed bytes');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="notes.txt"');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  });

  // s3rver checks the access key but neither V4 signatures nor anonymous reads: only the key can be shown wrong.
  it('an unknown access key is refused, and the error says so', async () => {
    const wrong = new S3Storage({
      bucket: s3.bucket,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      accessKeyId: 'NOT-A-KEY',
      secretAccessKey: 'whatever',
    });
    await assert.rejects(wrong.put('kb/x/y', Buffer.from('x')), /InvalidAccessKeyId|access key/i);
  });
});

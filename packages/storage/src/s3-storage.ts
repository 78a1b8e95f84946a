import fs from 'node:fs';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  checkedKey,
  type FileStorage,
  type PutOptions,
  type SignedUrlOptions,
  StoredFileMissingError,
} from './file-storage.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** S3-compatible servers (MinIO, R2, Ceph, s3rver); unset for AWS. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`): what most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Static credentials; unset = the SDK's default chain (environment, instance or task role). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

const isNotFound = (err: unknown): boolean =>
  err instanceof S3ServiceException &&
  (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404);

/** An S3-compatible bucket (`@aws-sdk/client-s3`): every API instance and worker sees the same files. */
export class S3Storage implements FileStorage {
  readonly driver = 's3' as const;
  readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Checksums only where S3 requires them: many S3-compatible servers reject the SDK's default
      // aws-chunked CRC trailers on streamed uploads.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<void> {
    // Only a plain type/subtype goes into a header (a sender's e-mail may name anything).
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(options.contentType ?? '') ? options.contentType : undefined;
    const params = { Bucket: this.bucket, Key: checkedKey(key), ContentType: contentType };
    if (Buffer.isBuffer(body)) {
      await this.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: body.length }));
      return;
    }
    // A stream of unknown length: multipart upload in parts of 5 MiB, never the whole file in memory.
    await new Upload({ client: this.client, params: { ...params, Body: body }, queueSize: 2 }).done();
  }

  async putFile(key: string, sourcePath: string, options: PutOptions = {}): Promise<void> {
    await this.put(key, fs.createReadStream(sourcePath), options);
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkedKey(key) }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new StoredFileMissingError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkedKey(key) }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkedKey(key) }));
  }

  async deleteFolder(prefix: string): Promise<void> {
    const Prefix = `${checkedKey(prefix)}/`;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length) {
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async removeEmptyFolder(): Promise<void> {
    // A bucket has no folders.
  }

  signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: checkedKey(key),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }
}

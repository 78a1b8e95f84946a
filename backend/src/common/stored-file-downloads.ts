import { BadRequestException, Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AttachmentFiles, InvalidStorageKeyError, StoredFileMissingError } from '@nixflow/storage';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { contentDisposition } from './attachment-storage.js';

/** What a download needs of an attachment row (KB, form and e-mail attachments all have these). */
export interface StoredAttachment {
  storagePath: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
}

/** The OpenAPI description of the redirect a download may answer with. */
export const DOWNLOAD_REDIRECT_DOC = {
  description: 'STORAGE_DOWNLOAD_MODE=redirect: a short-lived signed URL of the file (Location)',
  headers: { Location: { description: 'The signed URL', schema: { type: 'string', format: 'uri' } } },
} as const;

/**
 * Sends a stored attachment: its bytes streamed (the default), or, with STORAGE_DOWNLOAD_MODE=redirect and a
 * driver that signs (S3), a 302 to a signed URL that answers with the same type and disposition. The route
 * takes `@Res()`: Nest would otherwise send its own status after the redirect.
 */
@Injectable()
export class StoredFileDownloads {
  constructor(
    private readonly files: AttachmentFiles,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(res: Response, attachment: StoredAttachment, disposition: 'inline' | 'attachment'): Promise<void> {
    const storage = this.files.storage;
    const headerValue = contentDisposition(disposition, attachment.fileName);
    if (this.config.storage.downloadMode === 'redirect' && storage.signedUrl) {
      const url = await storage.signedUrl(attachment.storagePath, {
        expiresInSeconds: this.config.storage.signedUrlTtlSeconds,
        contentType: attachment.contentType,
        contentDisposition: headerValue,
      });
      // The URL is a capability for a while: no shared cache may keep the redirect.
      res.setHeader('Cache-Control', 'private, no-store');
      this.adapterHost.httpAdapter.redirect(res, 302, url);
      return;
    }
    const stream = await this.open(attachment.storagePath);
    const file = new StreamableFile(stream, {
      type: attachment.contentType,
      length: attachment.sizeBytes,
      disposition: headerValue,
    });
    this.adapterHost.httpAdapter.reply(res, file, 200);
  }

  private async open(storagePath: string) {
    try {
      return await this.files.open(storagePath);
    } catch (err) {
      if (err instanceof StoredFileMissingError) throw new NotFoundException('Attachment file is missing');
      if (err instanceof InvalidStorageKeyError) throw new BadRequestException('Invalid attachment path');
      throw err;
    }
  }
}

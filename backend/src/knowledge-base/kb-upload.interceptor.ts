import { CallHandler, ExecutionContext, Injectable, NestInterceptor, type Type } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { maxAttachmentBytes } from './kb-attachments.service.js';

/**
 * FileInterceptor('file') with multer's default memory storage and the size limit read from KB_MAX_ATTACHMENT_BYTES when the
 * app starts (not at import time). Oversize uploads fail with 413 (Nest maps multer's LIMIT_FILE_SIZE).
 */
@Injectable()
export class KbUploadInterceptor implements NestInterceptor {
  private readonly inner: NestInterceptor;

  constructor() {
    const Mixin = FileInterceptor('file', {
      // No storage/dest: multer keeps the file in memory (file.buffer).
      limits: { fileSize: maxAttachmentBytes(), files: 1, fields: 5 },
      // Browsers send file names as raw UTF-8 (busboy would read them as Latin-1: Erklärung -> ErklÃ¤rung).
      defParamCharset: 'utf8',
    } as Parameters<typeof FileInterceptor>[1]) as Type<NestInterceptor>;
    this.inner = new Mixin();
  }

  intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> | Observable<unknown> {
    return this.inner.intercept(context, next);
  }
}

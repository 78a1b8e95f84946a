import { CallHandler, ExecutionContext, Injectable, NestInterceptor, type Type } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { maxBytesFromEnv } from '../common/attachment-storage.js';

export const FORM_MAX_FILES = 20;

/** Largest single upload a form accepts (a field may set a lower limit): FORM_MAX_ATTACHMENT_BYTES. */
export function formMaxAttachmentBytes(env: NodeJS.ProcessEnv = process.env): number {
  return maxBytesFromEnv('FORM_MAX_ATTACHMENT_BYTES', env);
}

/**
 * Multipart submissions: files under their field key kept in memory (nothing touches the disk until the
 * submission is valid), plus the `answers` / `email` text parts. Oversize files fail with 413.
 * JSON bodies pass through untouched.
 */
@Injectable()
export class FormUploadInterceptor implements NestInterceptor {
  private readonly inner: NestInterceptor;

  constructor() {
    const Mixin = AnyFilesInterceptor({
      limits: { fileSize: formMaxAttachmentBytes(), files: FORM_MAX_FILES, fields: 5, fieldSize: 1024 * 1024 },
      // Browsers send file names as raw UTF-8 (busboy would read them as Latin-1: Erklärung -> ErklÃ¤rung).
      defParamCharset: 'utf8',
    } as Parameters<typeof AnyFilesInterceptor>[0]) as Type<NestInterceptor>;
    this.inner = new Mixin();
  }

  intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> | Observable<unknown> {
    return this.inner.intercept(context, next);
  }
}

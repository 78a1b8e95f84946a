import fs from 'node:fs';
import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  type Type,
} from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import multer from 'multer';
import { finalize, type Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { uploadTempDir, type UploadedFileLike } from '../common/attachment-storage.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FORM_MAX_FILES, formMaxRequestBytes, RETRY_AFTER_SECONDS } from './form-upload-limits.js';
import { FormSubmissionsService } from './form-submissions.service.js';

/** Bytes reserved by multipart submissions being received now (this process). */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let inflightBytes = 0;
export const formUploadsInflightBytes = (): number => inflightBytes;

/**
 * Multipart submissions, in this order:
 * 1. the form, its status and the caller are checked before a byte of the body is read (an unknown or
 *    closed form, or an anonymous caller on a signed-in form, is answered at once);
 * 2. the declared size is reserved from a process-wide budget of in-flight upload bytes (413 above the
 *    per-request maximum, 503 with Retry-After when the budget is spent);
 * 3. files stream to a temp folder under UPLOAD_DIR (multer disk storage: memory stays flat whatever the
 *    size), are stored by the service once the submission is valid (moved, or streamed to S3), and every temp file left
 *    is deleted when the request ends, whatever happened.
 * JSON bodies pass through untouched.
 */
@Injectable()
export class FormUploadInterceptor implements NestInterceptor {
  private readonly inner: NestInterceptor;

  constructor(
    private readonly submissions: FormSubmissionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const Mixin = AnyFilesInterceptor({
      storage: multer.diskStorage({
        destination: (_req, _file, cb) => {
          const dir = uploadTempDir(config.uploadDir);
          fs.promises.mkdir(dir, { recursive: true }).then(
            () => cb(null, dir),
            (err: Error) => cb(err, dir),
          );
        },
      }),
      limits: { fileSize: config.formMaxAttachmentBytes, files: FORM_MAX_FILES, fields: 5, fieldSize: 1024 * 1024 },
      // Browsers send file names as raw UTF-8 (busboy would read them as Latin-1: Erklärung -> ErklÃ¤rung).
      defParamCharset: 'utf8',
    } as Parameters<typeof AnyFilesInterceptor>[0]) as Type<NestInterceptor>;
    this.inner = new Mixin();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request & { user?: AuthUser; files?: UploadedFileLike[] }>();
    const res = context.switchToHttp().getResponse<Response>();
    if (!req.is('multipart/form-data')) return next.handle();
    const formId = String(req.params.id ?? '');
    // A malformed id is the param pipe's 400; the body is never parsed for it.
    if (!UUID_PATTERN.test(formId)) return next.handle();
    await this.submissions.assertAcceptsSubmissions(req.user, formId);

    const declared = Number.parseInt(req.get('content-length') ?? '', 10);
    const perRequest = formMaxRequestBytes(this.config.formMaxAttachmentBytes);
    if (Number.isFinite(declared) && declared > perRequest) {
      throw new PayloadTooLargeException(`A form submission may send at most ${perRequest} bytes`);
    }
    const reserve = Number.isFinite(declared) && declared >= 0 ? declared : perRequest;
    if (inflightBytes + reserve > this.config.formUploadMaxInflightBytes) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new HttpException('Too many uploads in progress, try again shortly', HttpStatus.SERVICE_UNAVAILABLE);
    }
    inflightBytes += reserve;
    let released = false;
    const cleanUp = () => {
      if (!released) {
        released = true;
        inflightBytes -= reserve;
      }
      removeTempFiles(req.files);
    };
    // Whatever the outcome (answered, failed, client gone): budget back, temp files deleted.
    res.once('close', cleanUp);
    try {
      const handled = await this.inner.intercept(context, next);
      return handled.pipe(finalize(() => removeTempFiles(req.files)));
    } catch (err) {
      cleanUp();
      throw err;
    }
  }
}

function removeTempFiles(files: UploadedFileLike[] | undefined): void {
  for (const file of files ?? []) {
    if (file.path) fs.promises.rm(file.path, { force: true }).catch(() => undefined);
  }
}

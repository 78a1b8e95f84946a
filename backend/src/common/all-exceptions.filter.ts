import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { buildErrorBody, errorName, requestIdOf, type FieldError } from './error-body.js';
import { mapPrismaError } from './prisma-errors.js';
import { DomainError, ValidationError as DomainValidationError } from '@nixflow/domain';

interface HttpRes {
  status(code: number): HttpRes;
  json(body: unknown): unknown;
  headersSent?: boolean;
  getHeader?(name: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/** Turns any error (HTTP, validation, Prisma, body-parser, unknown) into the shared error shape. */
export function resolveError(
  exception: unknown,
  logger: Logger,
): {
  status: number;
  message: string;
  error?: string;
  errors?: FieldError[];
  detail?: string;
} {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const resp = exception.getResponse();
    let message = exception.message;
    let errors: FieldError[] | undefined;
    if (typeof resp === 'string') message = resp;
    else if (resp && typeof resp === 'object') {
      const r = resp as Record<string, unknown>;
      if (Array.isArray(r.message)) message = r.message.join('; ');
      else if (typeof r.message === 'string') message = r.message;
      if (Array.isArray(r.errors)) errors = r.errors as FieldError[];
    }
    if (status >= 500) logger.error(exception.message, exception.stack);
    return { status, message, errors };
  }

  // ── teams (#23): minimal DomainError mapping, until the shared domain filter lands ──
  if (exception instanceof DomainError) {
    const status = { not_found: 404, conflict: 409, forbidden: 403, validation: 400, schema_mismatch: 503 }[
      exception.kind
    ];
    const field = exception instanceof DomainValidationError ? exception.field : undefined;
    return {
      status,
      message: exception.message,
      errors: field ? [{ field, messages: [exception.message] }] : undefined,
    };
  }
  // ── end teams (#23) ──

  const db = mapPrismaError(exception);
  if (db) {
    if (db.log) logger[db.log.level](db.log.line);
    return { status: db.status, message: db.message, detail: db.status === 503 ? db.detail : undefined };
  }

  // body-parser / http-errors style errors (malformed JSON, payload too large, ...).
  const e = exception as {
    status?: unknown;
    statusCode?: unknown;
    type?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  const s = Number(e?.status ?? e?.statusCode);
  if (Number.isInteger(s) && s >= 400 && s < 500) {
    const message =
      e.type === 'entity.parse.failed'
        ? 'Malformed JSON in request body'
        : e.type === 'entity.too.large'
          ? 'Request body is too large'
          : e.expose && typeof e.message === 'string'
            ? e.message
            : errorName(s);
    return { status: s, message };
  }

  const err = exception instanceof Error ? exception : new Error(String(exception));
  logger.error(`Unhandled error: ${err.message}`, err.stack);
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<HttpRes>();
    const req = ctx.getRequest();
    const r = resolveError(exception, this.logger);
    const requestId = requestIdOf(req, res);
    if (res.headersSent) return;
    res.status(r.status).json(buildErrorBody(r.status, r.message, requestId, r));
  }
}

/** Express error middleware for errors raised before Nest's pipeline (body parsing). */
export function expressErrorHandler(logger = new Logger('HttpError')) {
  return (err: unknown, req: unknown, res: HttpRes, next: (e?: unknown) => void): void => {
    if (res.headersSent) return next(err);
    const r = resolveError(err, logger);
    const requestId = requestIdOf(req as never, res);
    res.status(r.status).json(buildErrorBody(r.status, r.message, requestId, r));
  };
}

import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface FieldError {
  field: string;
  messages: string[];
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  detail?: string;
  requestId: string;
}

export function errorName(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

interface ReqLike {
  id?: unknown;
  headers?: Record<string, unknown>;
}
interface ResLike {
  getHeader?(name: string): unknown;
  setHeader?(name: string, value: string): unknown;
  headersSent?: boolean;
}

/** The request id RequestLogMiddleware assigned (request-log.ts), else the incoming x-request-id, else a new one (echoed back). */
export function requestIdOf(req: ReqLike | undefined, res?: ResLike): string {
  let id: unknown = req?.id;
  if (id === undefined || id === null || id === '') id = res?.getHeader?.('x-request-id');
  if (id === undefined || id === null || id === '') {
    const h = req?.headers?.['x-request-id'];
    id = typeof h === 'string' && h ? h : randomUUID();
  }
  const s = String(id);
  if (req && req.id === undefined) (req as { id?: unknown }).id = s;
  if (res && !res.headersSent && !res.getHeader?.('x-request-id')) res.setHeader?.('x-request-id', s);
  return s;
}

export function buildErrorBody(
  status: number,
  message: string,
  requestId: string,
  extra: { errors?: FieldError[]; detail?: string; error?: string } = {},
): ErrorBody {
  const body: ErrorBody = { statusCode: status, error: extra.error ?? errorName(status), message, requestId };
  if (extra.errors?.length) body.errors = extra.errors;
  if (extra.detail) body.detail = extra.detail;
  return body;
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import type { Options as HttpOptions } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function genReqId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * Query parameters whose value never reaches a log line: the API takes no secret in a URL, but a client
 * may send one anyway (`?access_token=`, a reset link's `?token=`), and a request line would keep it.
 */
const SECRET_PARAM = /token|passw|secret|signature|api[-_]?key|^key$|^code$/i;

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** The URL with the values of secret query parameters replaced by [REDACTED]. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  return (
    url.slice(0, q) +
    url
      .slice(q)
      .replace(/([?&])([^=&#]*)=([^&#]*)/g, (all, sep: string, name: string) =>
        SECRET_PARAM.test(decodeName(name)) ? `${sep}${name}=[REDACTED]` : all,
      )
  );
}

interface RawReq {
  id?: unknown;
  method?: string;
  url?: string;
  originalUrl?: string;
  user?: { id?: string };
}

/**
 * What a request line (and every line logged during the request, through the request's child logger)
 * says about the request: id, method and URL. No headers: they are where the secrets are (authorization,
 * cookies, the inbound mail token), and serialising and redacting them on every request was most of
 * pino-http's cost (issue #16). Gets the raw request (`wrapSerializers: false`), so nothing else is built.
 */
export function requestSummary(req: RawReq): { id: unknown; method?: string; url: string } {
  return { id: req.id, method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? '') };
}

/** The status is what a request line needs; response headers are ours and only cost bytes. */
export const responseSummary = (res: { statusCode?: number }) => ({ statusCode: res.statusCode });

type RequestLevel = 'info' | 'warn' | 'error';
type Enabled = { log?: { isLevelEnabled(level: string): boolean } };

/**
 * The request line's level, or 'silent' when that level is disabled: pino-http then returns before it
 * builds the line's object and message (at LOG_LEVEL=warn a 200 costs nothing beyond the child logger).
 */
export function requestLineLevel(req: Enabled, res: { statusCode: number }, err?: Error): RequestLevel | 'silent' {
  const level: RequestLevel = err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
  return req.log && !req.log.isLevelEnabled(level) ? 'silent' : level;
}

/** The signed-in user, known once the guards have run: added to the request line, not to the child logger. */
function withUser<T extends object>(req: RawReq, value: T): T | (T & { userId: string }) {
  const id = req.user?.id;
  return typeof id === 'string' ? { ...value, userId: id } : value;
}

const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'jwtSecret',
  'emailSecretKey',
];
const SECRET_LOG_PATHS = [
  ...SECRET_FIELDS,
  ...['body', 'user', 'data', 'dto', 'config', 'headers'].flatMap((key) => SECRET_FIELDS.map((f) => `${key}.${f}`)),
];

/** Nest's start-up chatter: one line per controller and route. Logged at debug, not info. */
const QUIET_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

/**
 * Readable, coloured lines (pino-pretty) for a developer at a terminal: stdout is a TTY and NODE_ENV is
 * development (or unset, as with `npm start`). Anything else (production, tests, pipes) stays JSON.
 */
export function prettyLogs(env: NodeJS.ProcessEnv = process.env, isTty = !!process.stdout.isTTY): boolean {
  return isTty && (env.NODE_ENV ?? 'development') === 'development';
}

/** `destination`: where lines go instead of stdout (tests read real output from it). */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options: HttpOptions = {
    level: config.logLevel,
    ...(!destination && prettyLogs()
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              translateTime: 'SYS:HH:MM:ss.l',
              // One line per entry: the request as "GET /api/x 200 12 ms" (JSON logs keep every field).
              ignore: 'pid,hostname,context,req,res,responseTime',
              messageFormat:
                'api {if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url}{end}' +
                '{if res.statusCode} {res.statusCode} {responseTime} ms{end}',
            },
          },
        }
      : {}),
    hooks: {
      logMethod(args, method, level) {
        const first = args[0] as { context?: unknown } | undefined;
        // 30 = info: the route table is only shown with LOG_LEVEL=debug (or trace).
        if (level === 30 && typeof first?.context === 'string' && QUIET_CONTEXTS.has(first.context)) {
          return this.isLevelEnabled('debug') ? method.apply(this, args) : undefined;
        }
        return method.apply(this, args);
      },
    },
    genReqId,
    // One child logger per request, bound to requestSummary() (not a second one with only the id).
    quietReqLogger: false,
    // Serializers get the raw objects: pino-http's wrappers would first build pino's full request object
    // (every header, remote address and port) on every request, to be thrown away by requestSummary().
    wrapSerializers: false,
    serializers: { req: requestSummary, res: responseSummary, err: pino.stdSerializers.err },
    // No header is logged any more (requestSummary). These cover objects a log call passes itself, at the
    // top level and under the keys such objects come in. No '*.' wildcard: pino would then run redaction
    // over every request's child logger binding too (half of the per-request logging cost, issue #16).
    redact: { paths: SECRET_LOG_PATHS, censor: '[REDACTED]' },
    customLogLevel: requestLineLevel,
    customSuccessObject: (req, _res, value) => withUser(req as RawReq, value),
    customErrorObject: (req, _res, _err, value) => withUser(req as RawReq, value),
  };
  return {
    // Every route, in path-to-regexp 8 syntax (the default '*' makes Nest warn about a legacy route).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: destination ? [options, destination] : options,
  };
}

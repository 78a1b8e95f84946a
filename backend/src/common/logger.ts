import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream, type LoggerOptions } from 'pino';
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

/**
 * The root logger, handed to nestjs-pino as an existing logger: nestjs-pino provides PinoLogger and Nest's
 * Logger over it, and RequestLogMiddleware (request-log.ts, in place of pino-http) sets the request id,
 * the request context and the request line. `destination`: where lines go instead of stdout (tests).
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options: LoggerOptions = {
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
    serializers: { err: pino.stdSerializers.err },
    // No header is logged (a request line names the request: id, method, URL). These cover objects a log
    // call passes itself, at the top level and under the keys such objects come in. No '*.' wildcard: pino
    // would run it over the request binding of every request's child logger too.
    redact: { paths: SECRET_LOG_PATHS, censor: '[REDACTED]' },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // useExisting: nestjs-pino adds no pino-http; with no routes it adds no middleware of its own either.
  return { pinoHttp: { logger }, useExisting: true, forRoutes: [] };
}

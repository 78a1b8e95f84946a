import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function genReqId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * Request headers a request line keeps: enough to trace a client, a fraction of the bytes (a full header set
 * doubled the line). The secret-bearing ones stay listed so that a line shows they were sent, redacted.
 */
const LOGGED_HEADERS = [
  'user-agent',
  'content-type',
  'content-length',
  'x-forwarded-for',
  'authorization',
  'proxy-authorization',
  'x-nixflow-inbound-token',
  'cookie',
];

interface SerializedReq {
  id?: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
  headers?: Record<string, unknown>;
}

/** Applied to pino's standard request object: id, method, url, client address and LOGGED_HEADERS. */
export function compactReq(req: SerializedReq): SerializedReq {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS) {
    const value = req.headers?.[name];
    if (value !== undefined) headers[name] = value;
  }
  return { id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress, headers };
}

/** Nest's start-up chatter: one line per controller and route. Logged at debug, not info. */
const QUIET_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

/**
 * Readable, coloured lines (pino-pretty) for a developer at a terminal: stdout is a TTY and NODE_ENV is
 * development (or unset, as with `npm start`). Anything else (production, tests, pipes) stays JSON.
 */
export function prettyLogs(env: NodeJS.ProcessEnv = process.env, isTty = !!process.stdout.isTTY): boolean {
  return isTty && (env.NODE_ENV ?? 'development') === 'development';
}

export function loggerParams(config: AppConfig): Params {
  return {
    // Every route, in path-to-regexp 8 syntax (the default '*' makes Nest warn about a legacy route).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      ...(prettyLogs()
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
      serializers: {
        req: compactReq,
        // The status is what a request line needs; response headers are ours and only cost bytes.
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["proxy-authorization"]',
          'req.headers["x-nixflow-inbound-token"]',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.passwordHash',
          '*.refreshToken',
          '*.accessToken',
          'req.body.password',
          'req.body.refreshToken',
          '*.jwtSecret',
          '*.emailSecretKey',
          'req.body.currentPassword',
          'req.body.newPassword',
          'req.body.token',
        ],
        censor: '[REDACTED]',
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import { storage, type Store } from 'nestjs-pino/storage.js';
import type { Logger } from 'pino';
import { genReqId, redactUrl } from './logger.js';

type Req = IncomingMessage & { originalUrl?: string; user?: { id?: unknown } };

/**
 * nestjs-pino's request context (PinoLogger and Nest's Logger read `store.logger` on every call), with the
 * request's child logger made on first use: most requests log nothing, and a child per request was most
 * of pino-http's cost at LOG_LEVEL=warn (issue #16).
 */
class RequestStore {
  private child?: Logger;
  responseLogger?: Logger;
  constructor(
    private readonly root: Logger,
    private readonly req: Req,
    private readonly id: string,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({
      req: { id: this.id, method: this.req.method, url: redactUrl(this.req.originalUrl ?? this.req.url ?? '') },
    }));
  }

  /** PinoLogger.assign() replaces it with a child that has more fields. */
  set logger(logger: Logger) {
    this.child = logger;
  }
}

/**
 * Replaces pino-http: the request id (x-request-id, see genReqId), the request context for logs written
 * while handling it, and one small line when the response is done (info for 2xx/3xx, warn for 4xx, error
 * for 5xx), only when that level is enabled: method, URL with secret query parameters redacted, status,
 * duration, request id, user id.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly root: Logger;

  constructor(@Inject(PARAMS_PROVIDER_TOKEN) params: Params) {
    this.root = (params.pinoHttp as { logger: Logger }).logger;
  }

  use(req: Req, res: ServerResponse, next: () => void): void {
    const id = genReqId(req, res);
    // For the error body's requestId (error-body.ts).
    (req as { id?: unknown }).id = id;
    const root = this.root;
    const store = new RequestStore(root, req, id);
    // A 5xx's line is at 'error': with that disabled (fatal, silent) no line is ever written, no listener.
    if (root.isLevelEnabled('error')) {
      const start = Date.now();
      res.once('close', () => {
        const status = res.statusCode;
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        if (!root.isLevelEnabled(level)) return;
        const userId = req.user?.id;
        store.logger[level](
          {
            res: { statusCode: status },
            responseTime: Date.now() - start,
            ...(typeof userId === 'string' ? { userId } : {}),
          },
          res.writableFinished ? 'request completed' : 'request aborted',
        );
      });
    }
    storage.run(store as unknown as Store, next);
  }
}

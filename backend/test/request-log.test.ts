// Request logging (RequestLogMiddleware, nestjs-pino over the logger of loggerParams): what a request line says and
// hides, when it is written, the request id on lines logged during a request, x-request-id. Real output:
// the app logs to a stream the test reads. No database.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Logger as NestLogger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  NotFoundException,
  RequestMethod,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger, LoggerModule, PinoLogger } from 'nestjs-pino';
import { genReqId, loggerParams, redactUrl } from '../src/common/logger.js';
import { RequestLogMiddleware } from '../src/common/request-log.js';
import { loadAppConfig } from '../src/config/app-config.js';

interface Line {
  level: number;
  msg?: string;
  req?: { id?: string; method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  userId?: string;
  context?: string;
}

@Injectable()
class FakeAuth implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest<{ user?: unknown }>().user = { id: 'user-1' };
    return true;
  }
}

@Controller('api/log-probe')
class ProbeController {
  private readonly nest = new NestLogger('Probe');
  constructor(private readonly logger: PinoLogger) {}

  @Get()
  @UseGuards(FakeAuth)
  ok(): { ok: true } {
    this.logger.warn({ password: 'SECRET-5' }, 'pino logger inside handler');
    this.nest.warn('nest logger inside handler');
    return { ok: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('boom');
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('nothing here');
  }
}

async function startApp(logLevel: string) {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const config = { ...loadAppConfig({ NODE_ENV: 'test' }), logLevel };
  @Module({ imports: [LoggerModule.forRoot(loggerParams(config, sink))], controllers: [ProbeController] })
  class ProbeModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(RequestLogMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
    }
  }
  const app: INestApplication = await NestFactory.create(ProbeModule, { logger: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  /** Waits until a line matches (the request line is written when the response has finished). */
  const waitFor = async (match: (l: Line) => boolean) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const found = lines().find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`no matching line in:\n${out}`);
  };
  return { app, base, lines, waitFor, output: () => out };
}

const isRequestLine = (l: Line) => l.res?.statusCode !== undefined;

describe('request log at info', () => {
  let t: Awaited<ReturnType<typeof startApp>>;
  before(async () => (t = await startApp('info')));
  after(() => t.app.close());

  it('writes one small line: method, URL (secret query params redacted), status, duration, id, user', async () => {
    const res = await fetch(`${t.base}/api/log-probe?q=reset&token=SECRET-1&password=SECRET-2&Access_Token=SECRET-6`, {
      headers: { authorization: 'Bearer SECRET-3', cookie: 'session=SECRET-4' },
    });
    assert.equal(res.status, 200);
    const id = res.headers.get('x-request-id');
    assert.ok(id);
    const line = await t.waitFor((l) => isRequestLine(l) && l.req?.id === id);
    assert.equal(line.level, 30);
    assert.equal(line.req?.method, 'GET');
    assert.equal(line.req?.url, '/api/log-probe?q=reset&token=[REDACTED]&password=[REDACTED]&Access_Token=[REDACTED]');
    assert.equal(line.res?.statusCode, 200);
    assert.equal(typeof line.responseTime, 'number');
    assert.equal(line.userId, 'user-1');
    assert.doesNotMatch(t.output(), /SECRET-\d/, t.output());
    assert.doesNotMatch(t.output(), /authorization|cookie|headers/i, 'no header is logged');
    assert.ok(JSON.stringify(line).length < 400, `a small line: ${JSON.stringify(line)}`);
  });

  it('lines logged inside the handler (PinoLogger and Nest Logger) carry the request id', async () => {
    const res = await fetch(`${t.base}/api/log-probe`);
    const id = res.headers.get('x-request-id');
    const pinoLine = await t.waitFor((l) => l.msg === 'pino logger inside handler' && l.req?.id === id);
    assert.equal((pinoLine as { password?: string }).password, '[REDACTED]');
    await t.waitFor((l) => l.msg === 'nest logger inside handler' && l.req?.id === id && l.context === 'Probe');
  });
});

describe('request log at warn', () => {
  let t: Awaited<ReturnType<typeof startApp>>;
  before(async () => (t = await startApp('warn')));
  after(() => t.app.close());

  it('writes no request line for a success, a warn line for a 4xx, an error line for a 5xx, and keeps in-request warnings', async () => {
    const ok = await fetch(`${t.base}/api/log-probe`);
    const okId = ok.headers.get('x-request-id');
    await t.waitFor((l) => l.msg === 'pino logger inside handler' && l.req?.id === okId);
    const missing = await fetch(`${t.base}/api/log-probe/missing`);
    assert.equal(missing.status, 404);
    const missingId = missing.headers.get('x-request-id');
    const line = await t.waitFor((l) => isRequestLine(l) && l.req?.id === missingId);
    assert.equal(line.level, 40);
    assert.equal(line.res?.statusCode, 404);
    const boom = await fetch(`${t.base}/api/log-probe/boom`);
    assert.equal(boom.status, 500);
    const boomId = boom.headers.get('x-request-id');
    assert.equal((await t.waitFor((l) => isRequestLine(l) && l.req?.id === boomId)).level, 50);
    // The 404's line is written after the 200's would have been: none for the 200.
    assert.equal(t.lines().filter((l) => isRequestLine(l) && l.req?.id === okId).length, 0, t.output());
  });
});

describe('x-request-id', () => {
  let t: Awaited<ReturnType<typeof startApp>>;
  before(async () => (t = await startApp('silent')));
  after(() => t.app.close());

  it('echoes a valid incoming id, replaces a hostile one with a UUID, always sets the header', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const echo = await fetch(`${t.base}/api/log-probe`, { headers: { 'x-request-id': 'client-req.42:a_b' } });
    assert.equal(echo.headers.get('x-request-id'), 'client-req.42:a_b');
    for (const hostile of ['x'.repeat(129), 'a b', '"><script>', 'id,other']) {
      const res = await fetch(`${t.base}/api/log-probe`, { headers: { 'x-request-id': hostile } });
      assert.match(res.headers.get('x-request-id') ?? '', uuid, hostile);
    }
    assert.match((await fetch(`${t.base}/api/log-probe`)).headers.get('x-request-id') ?? '', uuid);
  });

  it('genReqId replaces an id with a line break (HTTP clients refuse to send one)', () => {
    const headers: Record<string, string> = {};
    const id = genReqId(
      { headers: { 'x-request-id': 'a\nforged log line' } } as never,
      {
        setHeader: (k: string, v: string) => (headers[k] = v),
      } as never,
    );
    assert.notEqual(id, 'a\nforged log line');
    assert.equal(headers['x-request-id'], id);
  });
});

describe('redactUrl', () => {
  it('redacts secret query parameters (also percent-encoded names), keeps the rest', () => {
    assert.equal(redactUrl('/api/x'), '/api/x');
    assert.equal(redactUrl('/api/x?q=token'), '/api/x?q=token');
    assert.equal(
      redactUrl('/api/x?refresh_token=a&pass%77ord=b&q=c&apiKey=d&sig=e#frag'),
      '/api/x?refresh_token=[REDACTED]&pass%77ord=[REDACTED]&q=c&apiKey=[REDACTED]&sig=e#frag',
    );
  });
});

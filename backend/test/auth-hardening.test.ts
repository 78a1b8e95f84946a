// Units of the auth hardening that need no database: log redaction, the hashing semaphore, argon2id.
import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { parseOptions } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { BusyException, ConcurrencyLimiter } from '../src/auth/concurrency-limiter.js';
import { ARGON2_OPTIONS, dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../src/auth/password.js';
import { loggerParams } from '../src/common/logger.js';
import { RequestLogMiddleware } from '../src/common/request-log.js';
import { loadAppConfig } from '../src/config/app-config.js';

describe('request log redaction', () => {
  it('never writes the inbound token, Authorization or cookies', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const params = loggerParams({ ...loadAppConfig({ NODE_ENV: 'test' }), logLevel: 'info' }, sink);
    const requestLog = new RequestLogMiddleware(params);
    const server = http.createServer((req, res) => requestLog.use(req, res, () => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      await fetch(`http://127.0.0.1:${port}/api/email/inbound`, {
        method: 'POST',
        headers: {
          'x-nixflow-inbound-token': 'inbound-token-SECRET-1',
          authorization: 'Bearer bearer-SECRET-2',
          cookie: 'session=cookie-SECRET-3',
          'proxy-authorization': 'Basic proxy-SECRET-4',
        },
        body: 'x',
      });
      const deadline = Date.now() + 60_000;
      while (!out.includes('"req"') && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    } finally {
      server.close();
    }
    // A request line names the request (id, method, URL) and leaves every header out.
    assert.match(out, /"url":"\/api\/email\/inbound"/, out);
    assert.doesNotMatch(out, /inbound-token|authorization|cookie|headers/i, out);
    assert.doesNotMatch(out, /SECRET-\d/, out);
  });
});

describe('ConcurrencyLimiter (password hashing)', () => {
  it('runs at most `max` tasks; a waiter past its deadline gets BusyException (503, Retry-After)', async () => {
    const limiter = new ConcurrencyLimiter(2, 50, 10);
    const gates: Array<() => void> = [];
    const task = () => new Promise<string>((resolve) => gates.push(() => resolve('done')));
    const a = limiter.run(task);
    const b = limiter.run(task);
    assert.equal(limiter.active, 2);
    await assert.rejects(limiter.run(task), (err: unknown) => {
      assert.ok(err instanceof BusyException);
      assert.equal(err.getStatus(), 503);
      assert.ok(err.retryAfterSeconds >= 1);
      return true;
    });
    // A waiter that gets a slot in time runs.
    const c = limiter.run(async () => 'c');
    gates.shift()!();
    assert.equal(await a, 'done');
    assert.equal(await c, 'c');
    gates.shift()!();
    assert.equal(await b, 'done');
    assert.equal(limiter.active, 0);
  });

  it('a full queue is refused at once', async () => {
    const limiter = new ConcurrencyLimiter(1, 60_000, 1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((r) => (release = r)));
    const queued = limiter.run(async () => 'queued');
    await assert.rejects(
      limiter.run(async () => 'third'),
      BusyException,
    );
    release();
    await first;
    assert.equal(await queued, 'queued');
  });
});

describe('password hashing', () => {
  it('hashes with argon2id and the configured parameters; bcrypt hashes still verify and need an upgrade', async () => {
    const hash = await hashPassword('Correct-Horse-1');
    assert.match(hash, /^\$argon2id\$/);
    const o = parseOptions(hash);
    assert.equal(o.memoryCost, ARGON2_OPTIONS.memoryCost);
    assert.equal(o.timeCost, ARGON2_OPTIONS.timeCost);
    assert.equal(o.parallelism, ARGON2_OPTIONS.parallelism);
    assert.equal(await verifyPassword('Correct-Horse-1', hash), true);
    assert.equal(await verifyPassword('wrong', hash), false);
    assert.equal(needsRehash(hash), false);
    const legacy = await bcrypt.hash('Old-Password-1', 4);
    assert.equal(await verifyPassword('Old-Password-1', legacy), true);
    assert.equal(await verifyPassword('wrong', legacy), false);
    assert.equal(needsRehash(legacy), true);
    assert.equal(await verifyPassword('x', 'not a hash'), false);
  });

  it('the dummy hash for unknown users is argon2id with exactly the parameters of real hashes', async () => {
    const dummy = await dummyPasswordHash();
    const real = await hashPassword('Some-Password-1');
    // Same algorithm, version, memory, passes and lanes: the header before the salt is identical.
    const header = (h: string) => h.split('$').slice(1, 4).join('$');
    assert.equal(header(dummy), header(real));
    assert.equal(needsRehash(dummy), false);
    assert.equal(await dummyPasswordHash(), dummy, 'made once per process');
    assert.equal(await verifyPassword('anything', dummy), false);
  });
});

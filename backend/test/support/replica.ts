import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import supertest from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';

/** Another API instance over the test app's database (createTestApp pointed DATABASE_URL at it). */
export async function startReplica(): Promise<{ app: INestApplication; http: ReturnType<typeof supertest> }> {
  const app = await NestFactory.create(AppModule, { bodyParser: false, logger: false });
  configureApp(app);
  await app.init();
  return { app, http: supertest(app.getHttpServer()) };
}

/**
 * Polls until `check` holds and returns the milliseconds it took; fails after 10 s, and when it took longer
 * than `limitMs` (none by default: on a shared machine the caller may only print the delay it saw).
 */
export async function within(what: string, check: () => Promise<boolean>, limitMs = Infinity): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) {
      const ms = Date.now() - started;
      assert.ok(ms <= limitMs, `${what}: took ${ms} ms`);
      return ms;
    }
    if (Date.now() - started > 10_000) assert.fail(`${what}: not seen within 10 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

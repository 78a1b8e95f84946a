// Production defaults (docs and CORS opt-in) and hostile query/body values that used to be 500s.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { UserRole } from '@nixflow/db/client';
import { createTestApp, type TestApp } from './support/test-app.js';

const hex32 = () => randomBytes(32).toString('hex');

describe('production defaults and hostile input', () => {
  let prod: TestApp;
  let withCors: TestApp;
  let admin: string;
  before(async () => {
    prod = await createTestApp({
      env: { NODE_ENV: 'production', JWT_SECRET: hex32(), EMAIL_SECRET_KEY: hex32(), CORS_ORIGINS: '', API_DOCS: '' },
    });
    admin = await prod.tokenFor(UserRole.ADMIN);
    withCors = await createTestApp({
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: hex32(),
        EMAIL_SECRET_KEY: hex32(),
        CORS_ORIGINS: 'https://desk.example.com',
        API_DOCS: 'true',
      },
    });
  });
  after(async () => {
    await prod?.close();
    await withCors?.close();
  });

  it('in production Swagger is off unless API_DOCS=true', async () => {
    assert.equal((await prod.http.get('/api/docs-json')).status, 404);
    assert.equal((await prod.http.get('/api/docs')).status, 404);
    assert.equal((await withCors.http.get('/api/docs-json')).status, 200);
  });

  it('in production CORS answers only the listed origins; without a list none', async () => {
    const preflight = (app: TestApp, origin: string) =>
      app.http
        .options('/api/auth/me')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');
    const none = await preflight(prod, 'https://evil.example');
    assert.equal(none.headers['access-control-allow-origin'], undefined);
    assert.equal(none.headers['access-control-allow-credentials'], undefined);
    const listed = await preflight(withCors, 'https://desk.example.com');
    assert.equal(listed.headers['access-control-allow-origin'], 'https://desk.example.com');
    assert.equal(listed.headers['access-control-allow-credentials'], 'true');
    const other = await preflight(withCors, 'https://evil.example');
    assert.notEqual(other.headers['access-control-allow-origin'], 'https://evil.example');
    assert.notEqual(other.headers['access-control-allow-origin'], '*');
  });

  it('huge or odd pagination values are a 400 naming the field, on every paginated route', async () => {
    const routes = [
      '/api/tickets',
      '/api/users',
      '/api/notifications',
      '/api/events',
      '/api/kb/articles',
      '/api/kb/search?q=x',
      '/api/kb/feedback',
      `/api/tickets/${randomUUID()}/comments`,
      `/api/forms/${randomUUID()}/submissions`,
      '/api/email/messages',
    ];
    for (const route of routes) {
      const sep = route.includes('?') ? '&' : '?';
      const field = route === '/api/events' ? 'limit' : 'page';
      for (const value of ['1e17', '99999999999999999999', '0x10', '1.5', '-1', '', '10001']) {
        if (field === 'limit' && value === '10001') continue; // limit has its own bound (500), checked below
        const res = await prod.http
          .get(`${route}${sep}${field}=${encodeURIComponent(value)}`)
          .set('Authorization', `Bearer ${admin}`);
        if (value === '' && res.status === 200) continue; // an empty parameter counts as absent on some routes
        assert.equal(res.status, 400, `${route} ${field}=${value}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.match(JSON.stringify(res.body), new RegExp(field), `${route} ${field}=${value}`);
      }
      if (field === 'page') {
        const size = await prod.http.get(`${route}${sep}pageSize=1e17`).set('Authorization', `Bearer ${admin}`);
        assert.equal(size.status, 400, `${route} pageSize=1e17`);
        assert.match(JSON.stringify(size.body), /pageSize/);
      }
    }
    const limit = await prod.http.get('/api/events?limit=1e17').set('Authorization', `Bearer ${admin}`);
    assert.equal(limit.status, 400);
  });

  it('a form answer keyed __proto__ or constructor is a 400 naming answers (multipart), never a 500', async () => {
    const created = await prod.http
      .post('/api/forms')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'Proto', allowAnonymous: true, fields: [{ key: 'name', label: 'Name', type: 'TEXT' }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const formId = created.body.id as string;
    const published = await prod.http.post(`/api/forms/${formId}/publish`).set('Authorization', `Bearer ${admin}`);
    assert.equal(published.status, 200, JSON.stringify(published.body));
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const answers = `{"${key}":{"polluted":true},"name":"x"}`;
      const multipart = await prod.http
        .post(`/api/forms/${formId}/submissions`)
        .field('answers', answers)
        .field('email', 'someone@example.com');
      assert.equal(multipart.status, 400, `${key} multipart: ${multipart.status} ${JSON.stringify(multipart.body)}`);
      assert.match(JSON.stringify(multipart.body), /answers/);
      const json = await prod.http
        .post(`/api/forms/${formId}/submissions`)
        .set('content-type', 'application/json')
        .send(`{"answers":${answers},"email":"someone@example.com"}`);
      // JSON bodies: class-transformer drops such keys while copying the body; never a 500 nor pollution.
      assert.ok(json.status < 500, `${key} json: ${json.status}`);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

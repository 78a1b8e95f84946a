#!/usr/bin/env node
/* global WebAssembly */
// A stand-in for Prisma's native `schema-engine` binary, for tests and contributors only (never
// shipped, never a runtime dependency): it speaks the binary's JSON-RPC over stdio and runs the
// same engine build compiled to WebAssembly (node_modules/prisma/build/schema_engine_bg.wasm, with
// the JS glue of @prisma/schema-engine-wasm), connected through @prisma/adapter-pg.
//   PRISMA_SCHEMA_ENGINE_BINARY=packages/db/prisma-engine/schema-engine.mjs npx prisma migrate status
// See README.md beside this file.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';

const require = createRequire(import.meta.url);

// The CLI reads stderr as JSON log lines ({ level, fields: { message }, target }).
function logLine(level, message) {
  process.stderr.write(`${JSON.stringify({ level, fields: { message }, target: 'schema_engine::shim' })}\n`);
}

const { values: args, positionals } = parseArgs({
  options: {
    datamodels: { type: 'string', multiple: true },
    datasource: { type: 'string' },
    'enabled-preview-features': { type: 'string' },
    'extension-types': { type: 'string' },
    version: { type: 'boolean', short: 'V' },
  },
  strict: false,
});

// The engine build the installed CLI ships (same exports and imports as the glue's own build).
const wasmPath = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/schema_engine_bg.wasm');
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { './schema_engine_bg.js': glue });
glue.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start();
// The glue reports Rust panics here before it throws.
globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
  message: '',
  set_message(m) {
    this.message = m;
  },
};

if (args.version) {
  console.log(`schema-engine-cli ${glue.version()} (wasm shim)`);
  process.exit(0);
}

/**
 * pg's default text parser already returns PostgreSQL's internal one-byte `"char"` (OID 18) as a
 * string, but @prisma/adapter-pg has no column type for it and throws "Unsupported column type";
 * the engine's introspection reads such columns (pg_constraint.contype …), so report them as text.
 */
const CHAR_OID = 18;
const TEXT_OID = 25;
const charAsText = (r) => {
  for (const f of r?.fields ?? []) if (f.dataTypeID === CHAR_OID) f.dataTypeID = TEXT_OID;
  return r;
};
class CharAsTextClient extends pg.Client {
  query(...a) {
    // pg.Pool calls client.query(config, callback); the adapter awaits the pool's promise.
    const last = a.length - 1;
    if (typeof a[last] === 'function') {
      const cb = a[last];
      a[last] = (err, r) => cb(err, err ? r : charAsText(r));
      return super.query(...a);
    }
    const res = super.query(...a);
    return res && typeof res.then === 'function' ? res.then(charAsText) : res;
  }
}

/** pg options from a URL without `connectionString`, which would override `database` for the shadow database. */
function poolConfig(url, database) {
  const c = parseConnectionString(url);
  return {
    host: c.host ?? undefined,
    port: c.port ? Number(c.port) : undefined,
    user: c.user ?? undefined,
    password: c.password ?? undefined,
    database: database ?? c.database ?? undefined,
    ssl: c.ssl ?? undefined,
    Client: CharAsTextClient,
    max: 4,
  };
}

/**
 * The native engine sends a migration script to PostgreSQL as one multi-statement query; the stock
 * adapter splits it on `;`, which breaks `DO $$ … $$` blocks and function bodies. Send it whole.
 */
let lastScriptError = null;
function wholeScripts(adapter) {
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (err) {
      lastScriptError = err;
      adapter.onError(err);
    }
  };
  return adapter;
}

class ShimAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';
  constructor(url) {
    this.url = url;
  }
  async connect() {
    return wholeScripts(await new PrismaPg(poolConfig(this.url)).connect());
  }
  async connectToShadowDb(shadowUrl = this.shadowUrl) {
    if (shadowUrl) return wholeScripts(await new PrismaPg(poolConfig(shadowUrl)).connect());
    const admin = await this.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = wholeScripts(await new PrismaPg(poolConfig(this.url, name)).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.dispose();
    };
    return shadow;
  }
}

const datasource = args.datasource ? JSON.parse(args.datasource) : {};
const url = datasource.url ?? process.env.DATABASE_URL;
if (!url) {
  logLine('ERROR', 'no datasource url: set datasource.url in prisma.config.ts');
  process.exit(1);
}

/**
 * `schema-engine cli <command>`: the CLI's connection checks before it starts the RPC server.
 * Failures go to stderr as the binary writes them: a first line, then JSON log lines whose ERROR
 * entry of target schema_engine::logger carries Prisma's error code.
 */
if (positionals[0] === 'cli') {
  const c = parseConnectionString(url);
  const where = `${c.host ?? 'localhost'}:${c.port ?? 5432}`;
  const fail = (code, message) => {
    process.stderr.write('schema-engine cli error\n');
    process.stderr.write(
      `${JSON.stringify({ level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: code, message } })}\n`,
    );
    process.exit(1);
  };
  const run = async (database, sql) => {
    const client = new pg.Client(poolConfig(url, database));
    await client.connect();
    try {
      if (sql) await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const quoted = `"${String(c.database).replace(/"/g, '""')}"`;
  try {
    if (positionals[1] === 'can-connect-to-database') await run();
    else if (positionals[1] === 'create-database') await run('postgres', `CREATE DATABASE ${quoted}`);
    else if (positionals[1] === 'drop-database') await run('postgres', `DROP DATABASE ${quoted}`);
    else fail('P1000', `unknown cli command ${positionals[1]}`);
  } catch (err) {
    if (err.code === '3D000')
      fail('P1003', `Database \`${c.database}\` does not exist on the database server at \`${where}\`.`);
    if (err.code === '28P01' || err.code === '28000')
      fail('P1000', `Authentication failed against database server at \`${where}\`.`);
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND')
      fail('P1001', `Can't reach database server at \`${where}\``);
    fail('P1000', err.message);
  }
  process.stdout.write('{}\n');
  process.exit(0);
}
const factory = new ShimAdapterFactory(url);
factory.shadowUrl = datasource.shadowDatabaseUrl ?? undefined;
const adapter = bindMigrationAwareSqlAdapterFactory(factory);
const datamodels = (args.datamodels ?? []).map((p) => [p, fs.readFileSync(p, 'utf8')]);
let engine;
try {
  engine = await glue.SchemaEngine.new(
    { datamodels: datamodels.length ? datamodels : undefined },
    (log) => process.stderr.write(`${typeof log === 'string' ? log : JSON.stringify(log)}\n`),
    adapter,
  );
} catch (err) {
  // The CLI prints the last ERROR log line ("Error in Schema engine: …").
  logLine('ERROR', err?.message ?? String(err));
  process.exit(1);
}

// JSON-RPC 2.0, one message per line; the engine may also ask the CLI to print (diff output).
let nextOwnId = 1_000_000;
const pendingOwn = new Map();
const send = (msg) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);
function askToPrint(content) {
  const id = nextOwnId++;
  return new Promise((resolve) => {
    pendingOwn.set(id, resolve);
    send({ id, method: 'print', params: { content } });
  });
}

// CLI method name → wasm method name, where they differ.
const METHODS = { getDatabaseVersion: 'version' };

/**
 * The wasm build reports a failing migration script as a bare "external connector error" (after
 * recording the failed row, as the native engine does); the native engine reports it as the
 * user-facing P3018. Give the CLI the native error, with PostgreSQL's code and message.
 */
function applyMigrationError(method, err) {
  const migration = /migration_name="([^"]+)"/.exec(err?.message ?? '')?.[1];
  if (method !== 'applyMigrations' || !migration || !/^external connector error/.test(err?.message ?? '')) return null;
  const db = lastScriptError;
  const message = [
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve',
    '',
    `Migration name: ${migration}`,
    '',
    `Database error code: ${db?.code ?? 'unknown'}`,
    '',
    'Database error:',
    `${db?.severity ?? 'ERROR'}: ${db?.message ?? err.message.split('\n')[1] ?? err.message}`,
    '',
  ].join('\n');
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: false, message, error_code: 'P3018', meta: { migration_name: migration } },
  };
}

function rpcError(err, method) {
  const known = applyMigrationError(method, err);
  if (known) return known;
  const registered = err && typeof err === 'object' ? adapter.errorRegistry.consumeError?.(err.id) : undefined;
  const e = registered?.error ?? err;
  if (globalThis.PRISMA_WASM_PANIC_REGISTRY.message) {
    const message = globalThis.PRISMA_WASM_PANIC_REGISTRY.message;
    globalThis.PRISMA_WASM_PANIC_REGISTRY.message = '';
    return { code: 4466, message: 'An error happened.', data: { is_panic: true, message, error: { message } } };
  }
  const message =
    e?.cause?.originalMessage ?? e?.cause?.message ?? e?.message ?? (typeof e === 'string' ? e : JSON.stringify(e));
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: false, message, ...(e?.code ? { error_code: e.code, meta: e.meta ?? null } : {}) },
  };
}

let queue = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const msg = JSON.parse(line);
  if (msg.id !== undefined && msg.method === undefined) {
    pendingOwn.get(msg.id)?.(msg.result);
    pendingOwn.delete(msg.id);
    return;
  }
  // One request at a time, in order, as the native engine does.
  queue = queue.then(async () => {
    const method = METHODS[msg.method] ?? msg.method;
    try {
      if (typeof engine[method] !== 'function') throw new Error(`Method not found: ${msg.method}`);
      let result = await engine[method](msg.params ?? undefined);
      if (result && typeof result === 'object' && typeof result.stdout === 'string') {
        const { stdout, ...rest } = result;
        if (stdout) await askToPrint(stdout.replace(/\n$/, ''));
        result = rest;
      }
      send({ id: msg.id, result: result ?? null });
    } catch (err) {
      send({ id: msg.id, error: rpcError(err, method) });
    }
  });
});
rl.on('close', () => {
  queue.then(() => process.exit(0));
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { migrationChecksum, scriptMatchesChecksum } from '../src/migrate/checksum.js';
import { readMigrations } from '../src/migrate/migrations-folder.js';
import { REPO_MIGRATIONS } from './support/cli.js';

test("Prisma's checksum is the zero-padded SHA-256 hex of the script (schema-engine checksum.rs vectors)", () => {
  assert.equal(migrationChecksum('hello'), '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.equal(migrationChecksum('abcd').length, 64);
});

test('a CRLF script matches the checksum of its LF form and vice versa', () => {
  const pairs = [
    ['ab\ncd\nef\ngh\rab', 'ab\r\ncd\r\nef\r\ngh\rab'],
    ['ab\ncd\nef\ngh\rab\n', 'ab\r\ncd\r\nef\r\ngh\rab\r\n'],
  ];
  for (const pair of pairs)
    for (const a of pair)
      for (const b of pair) assert.ok(scriptMatchesChecksum(a, migrationChecksum(b)), JSON.stringify([a, b]));
});

test('any other change does not match', () => {
  assert.equal(scriptMatchesChecksum('abc', migrationChecksum('abcd')), false);
  assert.equal(scriptMatchesChecksum('abc\n', migrationChecksum('abc')), false);
  assert.equal(scriptMatchesChecksum('SELECT 1;', migrationChecksum('SELECT 2;')), false);
});

test('old tables with checksums that were not zero-padded still match (prisma-engines#1887)', () => {
  // A script whose hash has a byte below 0x10, so that the unpadded rendering is shorter.
  let script = '';
  let legacy = '';
  for (let i = 0; legacy.length !== 63 && i < 1000; i++) {
    script = `SELECT ${i};`;
    legacy = [...createHash('sha256').update(script).digest()].map((b) => b.toString(16)).join('');
  }
  assert.equal(legacy.length, 63);
  assert.ok(scriptMatchesChecksum(script, legacy));
  assert.equal(scriptMatchesChecksum(`${script} `, legacy), false);
});

test('the checksum recorded for a repository migration is sha256 of its file bytes', () => {
  const { migrations } = readMigrations(REPO_MIGRATIONS);
  assert.ok(migrations.length >= 3);
  for (const m of migrations) {
    const bytes = fs.readFileSync(path.join(REPO_MIGRATIONS, m.name, 'migration.sql'));
    assert.equal(m.checksum, createHash('sha256').update(bytes).digest('hex'));
  }
});

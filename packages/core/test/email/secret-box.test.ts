import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decryptSecret, encryptSecret, resolveEmailSecretKey } from '../../src/index.js';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);
  it('round-trips and uses a fresh IV every time', () => {
    const a = encryptSecret('s3cret pässword', key);
    const b = encryptSecret('s3cret pässword', key);
    assert.notEqual(a, b);
    assert.ok(!a.includes('s3cret'));
    assert.equal(decryptSecret(a, key), 's3cret pässword');
    assert.equal(decryptSecret(encryptSecret('', key), key), '');
  });
  it('rejects a wrong key, tampering and garbage', () => {
    const enc = encryptSecret('x', key);
    assert.throws(() => decryptSecret(enc, randomBytes(32)));
    const parts = enc.split(':');
    const ct = Buffer.from(parts[3]!, 'base64');
    ct[0]! ^= 1;
    assert.throws(() => decryptSecret([...parts.slice(0, 3), ct.toString('base64')].join(':'), key));
    assert.throws(() => decryptSecret('plain', key), /Not an encrypted secret/);
  });
  it('reads the key from hex or base64, defaults in development, rejects bad keys', () => {
    const raw = randomBytes(32);
    assert.deepEqual(resolveEmailSecretKey(raw.toString('hex')), { key: raw, isDevelopmentDefault: false });
    assert.deepEqual(resolveEmailSecretKey(raw.toString('base64')), { key: raw, isDevelopmentDefault: false });
    const dev = resolveEmailSecretKey(undefined);
    assert.equal(dev.isDevelopmentDefault, true);
    assert.equal(dev.key.length, 32);
    assert.deepEqual(resolveEmailSecretKey('').key, dev.key);
    assert.throws(() => resolveEmailSecretKey('too-short'), /32 bytes/);
    assert.throws(() => resolveEmailSecretKey(randomBytes(16).toString('hex')), /32 bytes/);
  });
});

'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const { verifyDigest } = require('../src/ecdsa');

test('verifies a P-256 signature over a digest and rejects another digest or key', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const data = Buffer.from('payload');
  const digest = crypto.createHash('sha256').update(data).digest();
  const sig = crypto.sign('sha256', data, privateKey);
  assert.ok(verifyDigest(publicKey, digest, sig));
  assert.ok(!verifyDigest(publicKey, crypto.createHash('sha256').update('other').digest(), sig));
  assert.ok(!verifyDigest(other, digest, sig));
  assert.ok(!verifyDigest(publicKey, digest, Buffer.from('not der')));
});

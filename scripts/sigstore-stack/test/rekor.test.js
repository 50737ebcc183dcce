'use strict';
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const canonicalize = require('canonicalize');
const { createRekor } = require('../src/rekor');
const { verifyInclusion, leafHash } = require('../src/merkle');

function entryFor(privateKey, publicKey, data) {
  const digest = crypto.createHash('sha256').update(data).digest('hex');
  const pem = publicKey.export({ format: 'pem', type: 'spki' });
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest } },
      signature: { content: crypto.sign('sha256', data, privateKey).toString('base64'), publicKey: { content: Buffer.from(pem).toString('base64') } },
    },
  };
}

test('POST logs a hashedrekord with a verifiable proof, SET and checkpoint', async (t) => {
  const logKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rekor = createRekor({ privateKey: logKey.privateKey });
  await new Promise((r) => rekor.server.listen(0, '127.0.0.1', r));
  t.after(() => rekor.server.close());
  const base = `http://127.0.0.1:${rekor.server.address().port}`;
  rekor.setBaseUrl(base);
  const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const post = (body) => fetch(`${base}/api/v1/log/entries`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  const req = entryFor(signer.privateKey, signer.publicKey, Buffer.from('artifact'));
  const res = await post(req);
  assert.strictEqual(res.status, 201);
  const [[uuid, entry]] = Object.entries(await res.json());
  assert.strictEqual(res.headers.get('location'), `/api/v1/log/entries/${uuid}`);
  const body = Buffer.from(entry.body, 'base64');
  assert.strictEqual(body.toString(), canonicalize(req));
  assert.strictEqual(uuid, leafHash(body).toString('hex'));
  assert.strictEqual(entry.logIndex, 1);
  const p = entry.verification.inclusionProof;
  assert.ok(verifyInclusion(leafHash(body), p.logIndex, p.treeSize, p.hashes.map((h) => Buffer.from(h, 'hex')), Buffer.from(p.rootHash, 'hex')));
  const signable = canonicalize({ body: entry.body, integratedTime: entry.integratedTime, logID: entry.logID, logIndex: entry.logIndex });
  assert.ok(crypto.verify('sha256', Buffer.from(signable), logKey.publicKey, Buffer.from(entry.verification.signedEntryTimestamp, 'base64')));
  const [note, sigLine] = p.checkpoint.split('\n\n');
  assert.ok(sigLine.startsWith('\u2014 127.0.0.1 '));
  const keySig = Buffer.from(sigLine.trim().split(' ')[2], 'base64');
  assert.deepStrictEqual(keySig.subarray(0, 4), Buffer.from(entry.logID, 'hex').subarray(0, 4));
  assert.ok(crypto.verify('sha256', Buffer.from(note + '\n'), logKey.publicKey, keySig.subarray(4)));

  assert.strictEqual((await post(req)).status, 409, 'same entry twice');
  const got = await fetch(`${base}/api/v1/log/entries/${uuid}`);
  assert.strictEqual(got.status, 200);
});

test('POST rejects an entry whose signature does not match its key and digest', async (t) => {
  const rekor = createRekor({ privateKey: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
  await new Promise((r) => rekor.server.listen(0, '127.0.0.1', r));
  t.after(() => rekor.server.close());
  const base = `http://127.0.0.1:${rekor.server.address().port}`;
  rekor.setBaseUrl(base);
  const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const req = entryFor(signer.privateKey, other.publicKey, Buffer.from('artifact'));
  const res = await fetch(`${base}/api/v1/log/entries`, { method: 'POST', body: JSON.stringify(req) });
  assert.strictEqual(res.status, 400);
  assert.match((await res.json()).message, /signature does not verify/);
});

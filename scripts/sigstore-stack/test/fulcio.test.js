'use strict';
require('reflect-metadata');
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('crypto');
const http = require('http');
const jose = require('jose');
const { initializeCA, initializeCTLog } = require('@sigstore/mock');
const { createFulcio } = require('../src/fulcio');

const ecKey = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));

// A minimal OIDC issuer: discovery + JWKS, tokens signed with ES256.
async function startIssuer(t) {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  let base;
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/corp/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer: `${base}/corp`, jwks_uri: `${base}/corp/jwks` }));
    if (req.url === '/corp/jwks') return res.end(JSON.stringify({ keys: [jwk] }));
    res.statusCode = 404;
    res.end('{}');
  });
  base = `http://127.0.0.1:${await listen(server)}`;
  t.after(() => server.close());
  const issuer = `${base}/corp`;
  const token = (claims, { aud = 'sigstore', exp = '5m', iss = issuer } = {}) => new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(iss).setAudience(aud).setIssuedAt().setExpirationTime(exp).sign(privateKey);
  return { issuer, token };
}

async function startFulcio(t) {
  const ctLog = await initializeCTLog(ecKey());
  const ca = await initializeCA(ecKey(), ctLog);
  const fulcio = createFulcio({ ca, ctLog, trustedIssuerPrefixes: ['http://127.0.0.1:'] });
  const url = `http://127.0.0.1:${await listen(fulcio.httpServer)}`;
  t.after(() => fulcio.httpServer.close());
  return async (token, challengeKey, challenge) => {
    const key = ecKey();
    const pop = crypto.sign('sha256', Buffer.from(challenge), (challengeKey || key).privateKey).toString('base64');
    const body = { credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: key.publicKey.export({ format: 'pem', type: 'spki' }) }, proofOfPossession: pop } };
    const res = await fetch(`${url}/api/v2/signingCert`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
}

test('issues an email certificate with an SCT, PEM wrapped at 64 columns, for a valid token and proof', async (t) => {
  const oidc = await startIssuer(t);
  const request = await startFulcio(t);
  const res = await request(await oidc.token({ sub: 'u1', email: 'dev@corp.example' }), null, 'dev@corp.example');
  assert.strictEqual(res.status, 201, JSON.stringify(res.json));
  const [leafPem, rootPem] = res.json.signedCertificateEmbeddedSct.chain.certificates;
  assert.ok(leafPem.split('\n').every((l) => l.length <= 64));
  const leaf = new crypto.X509Certificate(leafPem);
  assert.ok(leaf.verify(new crypto.X509Certificate(rootPem).publicKey));
  assert.match(leaf.subjectAltName, /email:dev@corp.example/);
  assert.ok(leaf.raw.includes(Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02])), 'embedded SCT list extension');
});

test('refuses a wrong proof of possession, audience, expired token and untrusted issuer', async (t) => {
  const oidc = await startIssuer(t);
  const request = await startFulcio(t);
  const claims = { sub: 'u1', email: 'dev@corp.example' };
  assert.strictEqual((await request(await oidc.token(claims), ecKey(), 'dev@corp.example')).status, 400, 'proof by another key');
  assert.strictEqual((await request(await oidc.token(claims), null, 'someone-else')).status, 400, 'proof over another subject');
  assert.strictEqual((await request(await oidc.token(claims, { aud: 'other' }), null, 'dev@corp.example')).status, 401, 'audience');
  const expired = await oidc.token(claims, { exp: Math.floor(Date.now() / 1000) - 60 });
  assert.strictEqual((await request(expired, null, 'dev@corp.example')).status, 401, 'expired');
  const foreign = await oidc.token(claims, { iss: 'https://evil.example' });
  const res = await request(foreign, null, 'dev@corp.example');
  assert.strictEqual(res.status, 401);
  assert.match(res.json.message, /not trusted/);
});

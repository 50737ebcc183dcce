'use strict';
// Starts the local Sigstore test stack on 127.0.0.1 with free ports and writes what clients need:
//   trusted_root.json, signing_config.json, tls/truststore.p12 (+ .password), stack.json
// then prints one line "SIGSTORE_STACK_READY {stack.json}" and runs until SIGTERM/SIGINT.
// Usage: node src/stack.js --out DIR [--proto-dir DIR] [--tls-dir DIR] [--rekor-clock-offset SECONDS]
//                          [--trusted-issuer-prefix URL]... [--demo-github-issuer]
require('reflect-metadata');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const { initializeCA, initializeCTLog } = require('@sigstore/mock');
const { createFulcio } = require('./fulcio');
const { createRekor } = require('./rekor');
const { loadOrCreate } = require('./tls');
const { ensureProtos } = require('./protos');
const { createDemoIssuer } = require('./demo-issuer');

function parseArgs(argv) {
  const o = { trustedIssuerPrefixes: [], rekorClockOffset: 0 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--out': o.out = v; i++; break;
      case '--proto-dir': o.protoDir = v; i++; break;
      case '--tls-dir': o.tlsDir = v; i++; break;
      case '--rekor-clock-offset': o.rekorClockOffset = Number.parseInt(v, 10); i++; break;
      case '--trusted-issuer-prefix': o.trustedIssuerPrefixes.push(v); i++; break;
      case '--demo-github-issuer': o.demoIssuer = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!o.out) throw new Error('--out DIR is required');
  if (o.trustedIssuerPrefixes.length === 0) o.trustedIssuerPrefixes = ['http://localhost:', 'http://127.0.0.1:'];
  return o;
}

const listen = (server) => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve(server.address().port));
});
const b64 = (buf) => Buffer.from(buf).toString('base64');
const ecKey = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });
  const tls = await loadOrCreate(path.resolve(opts.tlsDir || path.join(out, 'tls')));
  const protoDir = ensureProtos(opts.protoDir, path.join(out, 'proto'));
  const start = new Date(Date.now() - 60 * 1000).toISOString();

  const ctLog = await initializeCTLog(ecKey());
  const ca = await initializeCA(ecKey(), ctLog);
  const fulcio = createFulcio({ ca, ctLog, trustedIssuerPrefixes: opts.trustedIssuerPrefixes });
  const grpcServer = fulcio.grpcServer(protoDir);
  const creds = grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], false);
  const grpcPort = await new Promise((resolve, reject) => grpcServer.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? reject(e) : resolve(p))));
  const fulcioHttpPort = await listen(fulcio.httpServer);

  const rekorKey = ecKey();
  const rekor = createRekor({ privateKey: rekorKey.privateKey, clockOffsetSeconds: opts.rekorClockOffset });
  const rekorPort = await listen(rekor.server);

  const stack = {
    fulcioUrl: `https://127.0.0.1:${grpcPort}`,
    fulcioHttpUrl: `http://127.0.0.1:${fulcioHttpPort}`,
    rekorUrl: `http://127.0.0.1:${rekorPort}`,
    trustedRoot: path.join(out, 'trusted_root.json'),
    signingConfig: path.join(out, 'signing_config.json'),
    truststore: tls.truststore,
    truststorePassword: tls.truststorePassword,
    tlsCa: path.join(path.dirname(tls.truststore), 'ca.pem'),
    rekorClockOffsetSeconds: opts.rekorClockOffset,
    pid: process.pid,
  };
  rekor.setBaseUrl(stack.rekorUrl);
  const demo = opts.demoIssuer ? await createDemoIssuer() : null;
  if (demo) Object.assign(stack, demo.info);

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{
      baseUrl: stack.rekorUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: b64(rekor.publicKeySpki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
      logId: { keyId: b64(rekor.logId) },
    }],
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
      uri: stack.fulcioUrl,
      certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
      validFor: { start },
    }],
    ctlogs: [{
      baseUrl: 'https://127.0.0.1/ct',
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: b64(ctLog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
      logId: { keyId: b64(ctLog.logID) },
    }],
    timestampAuthorities: [],
  };
  const service = (url) => ({ url, majorApiVersion: 1, validFor: { start }, operator: 'driftzero-sigstore-stack' });
  const signingConfig = {
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [service(stack.fulcioUrl)],
    oidcUrls: [],
    rekorTlogUrls: [service(stack.rekorUrl)],
    tsaUrls: [],
    rekorTlogConfig: { selector: 'ANY' },
    tsaConfig: { selector: 'ANY' },
  };
  fs.writeFileSync(stack.trustedRoot, JSON.stringify(trustedRoot, null, 2));
  fs.writeFileSync(stack.signingConfig, JSON.stringify(signingConfig, null, 2));
  fs.writeFileSync(path.join(out, 'stack.json'), JSON.stringify(stack, null, 2));

  const stop = () => {
    if (demo) demo.server.close();
    rekor.server.close();
    fulcio.httpServer.close();
    grpcServer.tryShutdown(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`SIGSTORE_STACK_READY ${JSON.stringify(stack)}\n`);
}

main().catch((e) => {
  process.stderr.write(`sigstore-stack failed to start: ${e.stack || e}\n`);
  process.exit(1);
});

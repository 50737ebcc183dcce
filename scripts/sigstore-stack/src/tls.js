'use strict';
require('reflect-metadata');
// A throwaway TLS CA and a server certificate for 127.0.0.1/localhost: sigstore-java talks to Fulcio
// over gRPC with TLS only. Reused from a directory when present so several stacks started by one
// JVM share one trust store (the JVM reads javax.net.ssl.trustStore once).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const x509 = require('@peculiar/x509');
const { toPem } = require('./pem');

x509.cryptoProvider.set(crypto.webcrypto);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 24 * 3600 * 1000;

async function generate() {
  const subtle = crypto.webcrypto.subtle;
  const caKeys = await subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    name: 'CN=DriftZero sigstore-stack test TLS CA',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 30 * DAY),
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const keys = await subtle.generateKey(ALG, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: crypto.randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 30 * DAY),
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return { caPem: toPem(ca.rawData), certPem: toPem(leaf.rawData), keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}

/** Loads the TLS material from `dir`, generating it (and a PKCS12 trust store) on first use. */
async function loadOrCreate(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const f = (n) => path.join(dir, n);
  if (!fs.existsSync(f('truststore.p12'))) {
    const m = await generate();
    fs.writeFileSync(f('ca.pem'), m.caPem);
    fs.writeFileSync(f('server.pem'), m.certPem);
    fs.writeFileSync(f('server-key.pem'), m.keyPem, { mode: 0o600 });
    const password = crypto.randomBytes(12).toString('hex');
    // keytool writes the trusted-certificate attribute Java needs to treat the entry as a trust anchor.
    const keytool = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool';
    execFileSync(keytool, ['-importcert', '-noprompt', '-storetype', 'PKCS12', '-alias', 'dz-sigstore-stack-ca',
      '-file', f('ca.pem'), '-keystore', f('truststore.p12.tmp'), '-storepass', password], { stdio: 'ignore' });
    fs.writeFileSync(f('truststore.password'), password, { mode: 0o600 });
    fs.renameSync(f('truststore.p12.tmp'), f('truststore.p12'));
  }
  return {
    caPem: fs.readFileSync(f('ca.pem'), 'utf8'),
    certPem: fs.readFileSync(f('server.pem'), 'utf8'),
    keyPem: fs.readFileSync(f('server-key.pem'), 'utf8'),
    truststore: f('truststore.p12'),
    truststorePassword: fs.readFileSync(f('truststore.password'), 'utf8'),
  };
}

module.exports = { loadOrCreate };

'use strict';
require('reflect-metadata');
// Fulcio's CreateSigningCertificate over gRPC (TLS) and REST, on @sigstore/mock's CA key and CT log:
// certificates carry a real embedded SCT. Checks the OIDC token and proof of possession first.
const crypto = require('crypto');
const http = require('http');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { Crypto } = require('@peculiar/webcrypto');
const x509 = require('@peculiar/x509');
const { verifyToken } = require('./oidc');
const { principalFromClaims } = require('./principal');
const { toPem, fromPem } = require('./pem');

const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2';
const CERT_LIFETIME_MS = 10 * 60 * 1000; // as Fulcio

class FulcioError extends Error {
  constructor(grpcCode, httpCode, message) {
    super(message);
    this.grpcCode = grpcCode;
    this.httpCode = httpCode;
  }
}

const derLength = (n) => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
const derTlv = (tag, content) => Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);

/** Issues leaf certificates with the mock CA's key, submitting each precertificate to the mock CT log. */
function createIssuer(ca, ctLog) {
  const webcrypto = new Crypto();
  const issuerName = 'CN=sigstore,O=sigstore.mock';
  return async function issue({ publicKeyPem, san, extensions }) {
    const key = await webcrypto.subtle.importKey('spki', fromPem(publicKeyPem), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    const now = new Date();
    const tbs = {
      serialNumber: crypto.randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
      notBefore: now,
      notAfter: new Date(now.getTime() + CERT_LIFETIME_MS),
      issuer: issuerName,
      publicKey: key,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' },
      signingKey: ca.keyPair.privateKey,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning]),
        new x509.SubjectAlternativeNameExtension([san], true),
        await x509.SubjectKeyIdentifierExtension.create(key, false, webcrypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.keyPair.publicKey, false, webcrypto),
        ...extensions.map((e) => new x509.Extension(e.oid, false,
          e.legacy ? Buffer.from(e.value) : derTlv(0x0c, Buffer.from(e.value, 'utf8')))),
      ],
    };
    const precert = await x509.X509CertificateGenerator.create(tbs, webcrypto);
    const issuerKeyHash = await webcrypto.subtle.digest('SHA-256', await webcrypto.subtle.exportKey('spki', ca.keyPair.publicKey));
    const sct = Buffer.from(await ctLog.log(precert.rawData, issuerKeyHash));
    // RFC 6962 SignedCertificateTimestampList: u16 list length, then the serialized SCT (which
    // pkijs already prefixes with its own u16 length).
    const sctList = Buffer.concat([Buffer.from([sct.length >> 8, sct.length & 0xff]), sct]);
    tbs.extensions.push(new x509.Extension(SCT_LIST_OID, false, derTlv(0x04, sctList)));
    const cert = await x509.X509CertificateGenerator.create(tbs, webcrypto);
    return Buffer.from(cert.rawData);
  };
}

function createFulcio({ ca, ctLog, trustedIssuerPrefixes }) {
  const issue = createIssuer(ca, ctLog);
  const rootPem = toPem(ca.rootCertificate);

  // request: { credentials: { oidcIdentityToken }, publicKeyRequest: { publicKey: { content }, proofOfPossession: Buffer } }
  async function createSigningCertificate(request) {
    const token = request?.credentials?.oidcIdentityToken;
    if (!token) throw new FulcioError(grpc.status.UNAUTHENTICATED, 401, 'missing OIDC identity token');
    let claims;
    try {
      claims = await verifyToken(token, { trustedIssuerPrefixes });
    } catch (e) {
      throw new FulcioError(grpc.status.UNAUTHENTICATED, 401, e.message);
    }
    const pkr = request.publicKeyRequest;
    if (!pkr?.publicKey?.content) throw new FulcioError(grpc.status.INVALID_ARGUMENT, 400, 'only publicKeyRequest is supported');
    let principal;
    try {
      principal = principalFromClaims(claims);
    } catch (e) {
      throw new FulcioError(grpc.status.INVALID_ARGUMENT, 400, e.message);
    }
    let pop;
    try {
      pop = crypto.verify('sha256', Buffer.from(principal.challenge), crypto.createPublicKey(pkr.publicKey.content), Buffer.from(pkr.proofOfPossession || []));
    } catch {
      pop = false;
    }
    if (!pop) throw new FulcioError(grpc.status.INVALID_ARGUMENT, 400, 'proof of possession: the signature over the token subject does not verify with the public key');
    const leaf = await issue({ publicKeyPem: pkr.publicKey.content, san: principal.san, extensions: principal.extensions });
    return { signedCertificateEmbeddedSct: { chain: { certificates: [toPem(leaf), rootPem] } } };
  }

  function grpcServer(protoDir) {
    const def = protoLoader.loadSync(path.join(protoDir, 'fulcio.proto'), { includeDirs: [protoDir], keepCase: false, longs: String, defaults: false, oneofs: true });
    const pkg = grpc.loadPackageDefinition(def).dev.sigstore.fulcio.v2;
    const server = new grpc.Server();
    server.addService(pkg.CA.service, {
      CreateSigningCertificate: (call, cb) => {
        createSigningCertificate(call.request).then((r) => cb(null, r), (e) => cb({ code: e.grpcCode ?? grpc.status.INTERNAL, details: e.message }));
      },
      GetTrustBundle: (call, cb) => cb(null, { chains: [{ certificates: [rootPem] }] }),
    });
    return server;
  }

  // The REST form (POST /api/v2/signingCert) that sigstore-js's FulcioSigner uses.
  const httpServer = http.createServer(async (req, res) => {
    const send = (code, obj) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (req.method !== 'POST' || req.url !== '/api/v2/signingCert') return send(404, { code: 404, message: 'not found' });
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (body.publicKeyRequest?.proofOfPossession) body.publicKeyRequest.proofOfPossession = Buffer.from(body.publicKeyRequest.proofOfPossession, 'base64');
      send(201, await createSigningCertificate(body));
    } catch (e) {
      send(e.httpCode || 500, { code: e.httpCode || 500, message: e.message });
    }
  });

  return { grpcServer, httpServer, rootPem };
}

module.exports = { createFulcio };

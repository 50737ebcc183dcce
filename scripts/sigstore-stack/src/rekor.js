'use strict';
// A small but real Rekor v1 stand-in: hashedrekord entries only, in a genuine RFC 6962 Merkle tree,
// with the signed entry timestamp and signed checkpoint sigstore-java and sigstore-js verify.
const crypto = require('crypto');
const http = require('http');
const canonicalize = require('canonicalize');
const { MerkleLog, leafHash } = require('./merkle');
const { verifyDigest } = require('./ecdsa');

const ENTRIES = '/api/v1/log/entries';

class HttpError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * @param {object} o
 * @param {crypto.KeyObject} o.privateKey  log signing key (ECDSA P-256)
 * @param {number} o.clockOffsetSeconds    shifts integrated times (tests of validity at log time)
 */
function createRekor({ privateKey, clockOffsetSeconds = 0 }) {
  const publicKey = crypto.createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const logId = crypto.createHash('sha256').update(spki).digest();
  const treeId = BigInt('0x' + crypto.randomBytes(7).toString('hex')).toString();
  const log = new MerkleLog();
  const entries = new Map(); // uuid -> { body, integratedTime, logIndex }
  let origin = null; // set on listen: "<host> - <tree id>"
  let signerName = null;

  // The bundle writer rejects log index 0, and real Rekor is never empty: occupy index 0.
  log.append(Buffer.from('driftzero sigstore-stack genesis'));

  function checkpoint(size) {
    const note = `${origin}\n${size}\n${log.root(size).toString('base64')}\n`;
    const sig = crypto.sign('sha256', Buffer.from(note), privateKey);
    const keyHint = logId.subarray(0, 4);
    return `${note}\n\u2014 ${signerName} ${Buffer.concat([keyHint, sig]).toString('base64')}\n`;
  }

  function render(uuid) {
    const e = entries.get(uuid);
    const size = log.size;
    const signable = {
      body: e.body.toString('base64'),
      integratedTime: e.integratedTime,
      logID: logId.toString('hex'),
      logIndex: e.logIndex,
    };
    const set = crypto.sign('sha256', Buffer.from(canonicalize(signable)), privateKey);
    return {
      [uuid]: {
        ...signable,
        verification: {
          inclusionProof: {
            checkpoint: checkpoint(size),
            hashes: log.inclusionProof(e.logIndex, size).map((h) => h.toString('hex')),
            logIndex: e.logIndex,
            rootHash: log.root(size).toString('hex'),
            treeSize: size,
          },
          signedEntryTimestamp: set.toString('base64'),
        },
      },
    };
  }

  // Validates a proposed hashedrekord v0.0.1 entry and returns its canonical body (what real
  // Rekor stores: the RFC 8785 form of the normalised entry).
  function canonicalBody(req) {
    if (req?.kind !== 'hashedrekord' || req?.apiVersion !== '0.0.1') {
      throw new HttpError(400, 'only hashedrekord 0.0.1 entries are supported');
    }
    const hash = req.spec?.data?.hash;
    const sig = req.spec?.signature;
    if (hash?.algorithm !== 'sha256' || !/^[0-9a-f]{64}$/.test(hash?.value || '')) {
      throw new HttpError(400, 'spec.data.hash must be a sha256 hex digest');
    }
    if (typeof sig?.content !== 'string' || typeof sig?.publicKey?.content !== 'string') {
      throw new HttpError(400, 'spec.signature.content and spec.signature.publicKey.content are required');
    }
    const pem = Buffer.from(sig.publicKey.content, 'base64').toString('utf8');
    let key;
    try {
      key = pem.includes('CERTIFICATE') ? new crypto.X509Certificate(pem).publicKey : crypto.createPublicKey(pem);
    } catch (e) {
      throw new HttpError(400, `spec.signature.publicKey is not a PEM certificate or key: ${e.message}`);
    }
    const digest = Buffer.from(hash.value, 'hex');
    if (!verifyDigest(key, digest, Buffer.from(sig.content, 'base64'))) {
      throw new HttpError(400, 'signature does not verify against the entry\'s certificate and digest');
    }
    const normalised = {
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: hash.value } },
        signature: { content: sig.content, publicKey: { content: sig.publicKey.content } },
      },
    };
    return Buffer.from(canonicalize(normalised));
  }

  function add(reqJson) {
    const body = canonicalBody(reqJson);
    const uuid = leafHash(body).toString('hex');
    if (entries.has(uuid)) return { status: 409, uuid };
    const logIndex = log.append(body);
    const integratedTime = Math.floor(Date.now() / 1000) + clockOffsetSeconds;
    entries.set(uuid, { body, integratedTime, logIndex });
    return { status: 201, uuid };
  }

  async function handle(req, res) {
    const send = (code, obj, headers = {}) => {
      res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(obj));
    };
    try {
      const url = new URL(req.url, 'http://x');
      if (req.method === 'POST' && url.pathname === ENTRIES) {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        let json;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          throw new HttpError(400, 'request body is not JSON');
        }
        const { status, uuid } = add(json);
        const location = `${ENTRIES}/${uuid}`;
        if (status === 409) return send(409, { code: 409, message: 'an equivalent entry already exists in the transparency log' }, { Location: location });
        return send(201, render(uuid), { Location: location });
      }
      if (req.method === 'GET' && url.pathname.startsWith(ENTRIES + '/')) {
        const uuid = url.pathname.slice(ENTRIES.length + 1);
        if (!entries.has(uuid)) throw new HttpError(404, 'entry not found');
        return send(200, render(uuid));
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/log') {
        return send(200, { rootHash: log.root().toString('hex'), treeSize: log.size, signedTreeHead: checkpoint(log.size), treeID: treeId });
      }
      throw new HttpError(404, `no route for ${req.method} ${url.pathname}`);
    } catch (e) {
      send(e instanceof HttpError ? e.code : 500, { code: e.code || 500, message: e.message });
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res);
  });

  return {
    server,
    publicKeySpki: spki,
    logId,
    log,
    /** Call once the port is known: the signer name is the host (no port) of the base URL. */
    setBaseUrl(baseUrl) {
      signerName = new URL(baseUrl).hostname;
      origin = `${signerName} - ${treeId}`;
    },
  };
}

module.exports = { createRekor };

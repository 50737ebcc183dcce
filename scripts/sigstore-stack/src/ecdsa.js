'use strict';
// ECDSA P-256 verification over a precomputed digest. Node's crypto always hashes its input, but
// Rekor's hashedrekord carries only the artifact digest, and real Rekor checks the signature
// against that digest; so this is the textbook algorithm (SEC 1, 4.1.4) with BigInt.
const crypto = require('crypto');

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G = [
  0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
];

const mod = (a, m) => ((a % m) + m) % m;
function inv(a, m) {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}
function add(p1, p2) {
  if (p1 === null) return p2;
  if (p2 === null) return p1;
  const [x1, y1] = p1;
  const [x2, y2] = p2;
  if (x1 === x2 && mod(y1 + y2, P) === 0n) return null;
  const l = x1 === x2 && y1 === y2
    ? mod((3n * x1 * x1 + A) * inv(2n * y1, P), P)
    : mod((y2 - y1) * inv(x2 - x1, P), P);
  const x3 = mod(l * l - x1 - x2, P);
  return [x3, mod(l * (x1 - x3) - y1, P)];
}
function mul(k, pt) {
  let r = null;
  for (let q = pt; k > 0n; k >>= 1n, q = add(q, q)) if (k & 1n) r = add(r, q);
  return r;
}
const big = (buf) => BigInt('0x' + (buf.length ? buf.toString('hex') : '0'));

// Minimal DER: SEQUENCE { INTEGER r, INTEGER s }.
function parseDerSignature(der) {
  let i = 0;
  const read = () => {
    let len = der[i++];
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let j = 0; j < n; j++) len = len * 256 + der[i++];
    }
    return len;
  };
  if (der[i++] !== 0x30) throw new Error('signature is not a DER SEQUENCE');
  read();
  const ints = [];
  for (let k = 0; k < 2; k++) {
    if (der[i++] !== 0x02) throw new Error('signature component is not a DER INTEGER');
    const len = read();
    ints.push(big(der.subarray(i, i + len)));
    i += len;
  }
  return ints;
}

/** True when `signature` (DER) is a valid P-256 signature by `publicKey` over `digest`. */
function verifyDigest(publicKey, digest, signature) {
  const key = publicKey instanceof crypto.KeyObject ? publicKey : crypto.createPublicKey(publicKey);
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error('only ECDSA P-256 keys are supported');
  const q = [big(Buffer.from(jwk.x, 'base64url')), big(Buffer.from(jwk.y, 'base64url'))];
  let r;
  let s;
  try {
    [r, s] = parseDerSignature(signature);
  } catch {
    return false;
  }
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const e = big(digest.subarray(0, 32));
  const w = inv(s, N);
  const pt = add(mul(mod(e * w, N), G), mul(mod(r * w, N), q));
  return pt !== null && mod(pt[0], N) === r;
}

module.exports = { verifyDigest };

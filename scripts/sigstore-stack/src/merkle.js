'use strict';
// RFC 6962 / RFC 9162 Merkle tree: the hashing Rekor v1 and every Sigstore client verify against.
const crypto = require('crypto');

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (data) => sha256(Buffer.from([0x00]), data);
const nodeHash = (left, right) => sha256(Buffer.from([0x01]), left, right);

// Largest power of two strictly smaller than n (n >= 2).
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[lo:hi]) over leaf hashes.
function subtreeRoot(hashes, lo, hi) {
  const n = hi - lo;
  if (n === 0) return sha256(Buffer.alloc(0));
  if (n === 1) return hashes[lo];
  const k = split(n);
  return nodeHash(subtreeRoot(hashes, lo, lo + k), subtreeRoot(hashes, lo + k, hi));
}

// PATH(m, D[lo:hi]), leaf to root.
function path(hashes, m, lo, hi) {
  const n = hi - lo;
  if (n <= 1) return [];
  const k = split(n);
  if (m < k) return [...path(hashes, m, lo, lo + k), subtreeRoot(hashes, lo + k, hi)];
  return [...path(hashes, m - k, lo + k, hi), subtreeRoot(hashes, lo, lo + k)];
}

/** An append-only log of leaf hashes. Small (tests), so roots are recomputed on demand. */
class MerkleLog {
  constructor() {
    this.leafHashes = [];
  }
  get size() {
    return this.leafHashes.length;
  }
  /** Appends raw leaf data; returns its index. */
  append(data) {
    this.leafHashes.push(leafHash(data));
    return this.leafHashes.length - 1;
  }
  root(size = this.size) {
    return subtreeRoot(this.leafHashes, 0, size);
  }
  inclusionProof(index, size = this.size) {
    if (index < 0 || index >= size || size > this.size) throw new RangeError('index out of range');
    return path(this.leafHashes, index, 0, size);
  }
}

/** RFC 9162 section 2.1.3.2: true when `proof` links `leaf` at `index` to `root` of a tree of `size`. */
function verifyInclusion(leaf, index, size, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

module.exports = { MerkleLog, verifyInclusion, leafHash, nodeHash, sha256 };

'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { MerkleLog, verifyInclusion, leafHash, nodeHash } = require('../src/merkle');

const leaves = (n) => Array.from({ length: n }, (_, i) => Buffer.from(`entry-${i}`));

test('every inclusion proof verifies for every tree size up to 17', () => {
  const data = leaves(17);
  const log = new MerkleLog();
  data.forEach((d) => log.append(d));
  for (let size = 1; size <= 17; size++) {
    for (let i = 0; i < size; i++) {
      assert.ok(verifyInclusion(leafHash(data[i]), i, size, log.inclusionProof(i, size), log.root(size)), `leaf ${i} of ${size}`);
    }
  }
});

test('root of two leaves is H(0x01 || H(0x00||a) || H(0x00||b)) as in RFC 6962', () => {
  const [a, b] = leaves(2);
  const log = new MerkleLog();
  log.append(a);
  log.append(b);
  assert.deepStrictEqual(log.root(), nodeHash(leafHash(a), leafHash(b)));
});

test('a proof fails for another leaf, another index, a tampered hash or another root', () => {
  const data = leaves(9);
  const log = new MerkleLog();
  data.forEach((d) => log.append(d));
  const proof = log.inclusionProof(5);
  const root = log.root();
  assert.ok(verifyInclusion(leafHash(data[5]), 5, 9, proof, root));
  assert.ok(!verifyInclusion(leafHash(data[4]), 5, 9, proof, root));
  assert.ok(!verifyInclusion(leafHash(data[5]), 4, 9, proof, root));
  const tampered = proof.map((h, i) => (i === 1 ? Buffer.from(h).fill(7) : h));
  assert.ok(!verifyInclusion(leafHash(data[5]), 5, 9, tampered, root));
  assert.ok(!verifyInclusion(leafHash(data[5]), 5, 9, proof, log.root(8)));
  assert.ok(!verifyInclusion(leafHash(data[5]), 5, 9, proof.slice(1), root));
});

test('index at or beyond the tree size is rejected', () => {
  const log = new MerkleLog();
  leaves(3).forEach((d) => log.append(d));
  assert.throws(() => log.inclusionProof(3));
  assert.ok(!verifyInclusion(leafHash(Buffer.from('x')), 3, 3, [], log.root()));
});

'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { principalFromClaims } = require('../src/principal');

const github = {
  iss: 'http://localhost:1234/github',
  sub: 'repo:org/repo:ref:refs/heads/main',
  repository: 'org/repo',
  repository_owner: 'org',
  job_workflow_ref: 'org/repo/.github/workflows/deploy.yml@refs/heads/main',
  workflow_ref: 'org/repo/.github/workflows/deploy.yml@refs/heads/main',
  ref: 'refs/heads/main',
  sha: 'abc',
  event_name: 'push',
  runner_environment: 'self-hosted',
};
const ext = (p, n) => p.extensions.find((e) => e.oid === `1.3.6.1.4.1.57264.1.${n}` && !e.legacy)?.value;

test('GitHub issuer: URI SAN from job_workflow_ref, challenge is sub, v2 extensions from claims', () => {
  const p = principalFromClaims(github);
  assert.deepStrictEqual(p.san, { type: 'url', value: 'https://github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main' });
  assert.strictEqual(p.challenge, github.sub);
  assert.strictEqual(ext(p, 8), github.iss);
  assert.strictEqual(ext(p, 9), 'https://github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main');
  assert.strictEqual(ext(p, 11), 'self-hosted');
  assert.strictEqual(ext(p, 12), 'https://github.com/org/repo');
  assert.strictEqual(ext(p, 14), 'refs/heads/main');
  assert.strictEqual(ext(p, 16), 'https://github.com/org');
  assert.strictEqual(ext(p, 20), 'push');
});

test('GitHub issuer without job_workflow_ref is refused', () => {
  const { job_workflow_ref: _, ...rest } = github;
  assert.throws(() => principalFromClaims(rest), /job_workflow_ref/);
});

test('generic issuer: verified email SAN, else URI subject, else refused', () => {
  const iss = 'http://localhost:1234/corp';
  assert.deepStrictEqual(principalFromClaims({ iss, sub: 'u1', email: 'a@b.example' }).san, { type: 'email', value: 'a@b.example' });
  assert.strictEqual(principalFromClaims({ iss, sub: 'u1', email: 'a@b.example' }).challenge, 'a@b.example');
  assert.deepStrictEqual(principalFromClaims({ iss, sub: 'https://ci.example/job/1' }).san, { type: 'url', value: 'https://ci.example/job/1' });
  assert.throws(() => principalFromClaims({ iss, sub: 'u1', email: 'a@b.example', email_verified: false }), /neither/);
});

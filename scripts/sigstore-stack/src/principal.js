'use strict';
// Maps verified token claims to a certificate subject and extensions as real Fulcio does.
// GitHub Actions issuers (path ending in /github for local issuers, or the real one): URI SAN
// https://github.com/<job_workflow_ref> plus the 1.3.6.1.4.1.57264.1.* claims. Other issuers:
// an email SAN when the token has a verified email, else the `sub` as a URI SAN.
const GITHUB = 'https://github.com';
const OID = (n) => `1.3.6.1.4.1.57264.1.${n}`;

function isGitHubIssuer(iss) {
  return iss === 'https://token.actions.githubusercontent.com' || /\/github\/?$/.test(new URL(iss).pathname);
}

// [claim, oid, value builder] for the v2 (DER UTF8String) extensions.
const GITHUB_EXTENSIONS = [
  ['iss', 8, (v) => v],
  ['job_workflow_ref', 9, (v) => `${GITHUB}/${v}`],
  ['job_workflow_sha', 10, (v) => v],
  ['runner_environment', 11, (v) => v],
  ['repository', 12, (v) => `${GITHUB}/${v}`],
  ['sha', 13, (v) => v],
  ['ref', 14, (v) => v],
  ['repository_id', 15, (v) => v],
  ['repository_owner', 16, (v) => `${GITHUB}/${v}`],
  ['repository_owner_id', 17, (v) => v],
  ['workflow_ref', 18, (v) => `${GITHUB}/${v}`],
  ['workflow_sha', 19, (v) => v],
  ['event_name', 20, (v) => v],
  ['repository_visibility', 22, (v) => v],
];
// Deprecated raw-string extensions Fulcio still writes (cosign and older verifiers read them).
const LEGACY = [['iss', 1], ['event_name', 2], ['sha', 3], ['workflow', 4], ['repository', 5], ['ref', 6]];

/**
 * @returns {{ san: {type: string, value: string}, challenge: string, extensions: {oid, value, legacy}[] }}
 */
function principalFromClaims(claims) {
  if (isGitHubIssuer(claims.iss)) {
    for (const required of ['job_workflow_ref', 'repository', 'ref', 'sha']) {
      if (typeof claims[required] !== 'string') throw new Error(`GitHub token lacks the ${required} claim`);
    }
    const extensions = [];
    for (const [claim, n] of LEGACY) if (typeof claims[claim] === 'string') extensions.push({ oid: OID(n), value: claims[claim], legacy: true });
    for (const [claim, n, f] of GITHUB_EXTENSIONS) if (typeof claims[claim] === 'string') extensions.push({ oid: OID(n), value: f(claims[claim]) });
    if (claims.run_id && claims.run_attempt) {
      extensions.push({ oid: OID(21), value: `${GITHUB}/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}` });
    }
    return { san: { type: 'url', value: `${GITHUB}/${claims.job_workflow_ref}` }, challenge: claims.sub, extensions };
  }
  const extensions = [{ oid: OID(1), value: claims.iss, legacy: true }, { oid: OID(8), value: claims.iss }];
  if (typeof claims.email === 'string' && claims.email_verified !== false) {
    return { san: { type: 'email', value: claims.email }, challenge: claims.email, extensions };
  }
  try {
    new URL(claims.sub);
  } catch {
    throw new Error('token has neither a verified email nor a URI subject');
  }
  return { san: { type: 'url', value: claims.sub }, challenge: claims.sub, extensions };
}

module.exports = { principalFromClaims };

'use strict';
// Independent cross-check: verifies a Sigstore bundle with sigstore-js (@sigstore/verify) against a
// trusted_root.json, as a third party would. Exit 0 and "VERIFIED" on success, 1 with the reason.
// Usage: node src/verify-bundle.js --trusted-root F --bundle F --payload F [--san S] [--issuer I]
const fs = require('fs');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

function args(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['trusted-root', 'bundle', 'payload']) if (!o[k]) throw new Error(`--${k} is required`);
  return o;
}

try {
  const o = args(process.argv.slice(2));
  const trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(o['trusted-root'], 'utf8'))));
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(o.bundle, 'utf8')));
  const entity = toSignedEntity(bundle, fs.readFileSync(o.payload));
  const policy = {};
  if (o.san) policy.subjectAlternativeName = o.san;
  if (o.issuer) policy.extensions = { issuer: o.issuer };
  const signer = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }).verify(entity, policy);
  process.stdout.write(`VERIFIED ${JSON.stringify(signer.identity || {})}\n`);
} catch (e) {
  process.stdout.write(`FAILED ${e.code || ''} ${e.message}\n`);
  process.exit(1);
}

'use strict';
// Independent cross-check: signs a blob keylessly with sigstore-js (@sigstore/sign) against the
// local stack's Fulcio REST endpoint and Rekor, writing a v0.3 bundle, as `cosign sign-blob` would.
// Usage: node src/sign-blob.js --fulcio-url URL --rekor-url URL --token-file F --payload F --out F
const fs = require('fs');
const { bundleToJSON } = require('@sigstore/bundle');
const { FulcioSigner, RekorWitness, MessageSignatureBundleBuilder } = require('@sigstore/sign');

async function main() {
  const o = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['fulcio-url', 'rekor-url', 'token-file', 'payload', 'out']) if (!o[k]) throw new Error(`--${k} is required`);
  const token = fs.readFileSync(o['token-file'], 'utf8').trim();
  const signer = new FulcioSigner({ fulcioBaseURL: o['fulcio-url'], identityProvider: { getToken: async () => token } });
  const builder = new MessageSignatureBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: o['rekor-url'] })] });
  const bundle = await builder.create({ data: fs.readFileSync(o.payload) });
  fs.writeFileSync(o.out, JSON.stringify(bundleToJSON(bundle), null, 2));
  process.stdout.write('SIGNED\n');
}

main().catch((e) => {
  // sigstore-js error messages can quote the token: never print them unredacted.
  process.stdout.write(`FAILED ${String(e.message).replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<redacted token>')}\n`);
  process.exit(1);
});

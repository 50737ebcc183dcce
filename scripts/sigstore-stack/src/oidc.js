'use strict';
// Checks an OIDC identity token the way Fulcio does: the issuer must be one this instance trusts,
// its discovery document names the JWKS that must verify the signature, aud must be "sigstore",
// and exp/nbf must hold.
const jose = require('jose');

const jwksByIssuer = new Map();

function isTrustedIssuer(iss, trustedIssuerPrefixes) {
  return typeof iss === 'string' && trustedIssuerPrefixes.some((p) => iss.startsWith(p));
}

async function jwksFor(iss) {
  if (!jwksByIssuer.has(iss)) {
    const res = await fetch(`${iss.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`OIDC discovery for ${iss} failed: HTTP ${res.status}`);
    const discovery = await res.json();
    if (discovery.issuer !== iss) throw new Error(`OIDC discovery for ${iss} names issuer ${discovery.issuer}`);
    jwksByIssuer.set(iss, jose.createRemoteJWKSet(new URL(discovery.jwks_uri)));
  }
  return jwksByIssuer.get(iss);
}

/** Returns the verified claims or throws an Error whose message never contains the token. */
async function verifyToken(token, { trustedIssuerPrefixes }) {
  let iss;
  try {
    iss = jose.decodeJwt(token).iss;
  } catch {
    throw new Error('the identity token is not a JWT');
  }
  if (!isTrustedIssuer(iss, trustedIssuerPrefixes)) throw new Error(`issuer ${iss} is not trusted by this Fulcio`);
  try {
    const { payload } = await jose.jwtVerify(token, await jwksFor(iss), { issuer: iss, audience: 'sigstore' });
    return payload;
  } catch (e) {
    throw new Error(`identity token from ${iss} rejected: ${e.code || ''} ${e.message}`.trim());
  }
}

module.exports = { verifyToken };

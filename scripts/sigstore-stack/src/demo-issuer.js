'use strict';
// For `./dz demo` only: an OIDC issuer that behaves like a GitHub Actions job's token endpoint, so the
// demo can sign keylessly the way a real job does (ACTIONS_ID_TOKEN_REQUEST_URL + _TOKEN). It serves
// discovery + JWKS at <base>/github (Fulcio verifies tokens against them) and mints an ES256 token
// for one fixed demo job. Test/demo infrastructure, never part of the product.
const crypto = require('crypto');
const http = require('http');
const jose = require('jose');

const JOB = {
  repository: 'example-org/app',
  workflow: '.github/workflows/deploy.yml',
  ref: 'refs/heads/main',
};

async function createDemoIssuer() {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'demo', alg: 'ES256', use: 'sig' };
  const requestToken = crypto.randomBytes(24).toString('hex');
  let base = '';
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, base);
    const send = (code, body) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/github/.well-known/openid-configuration') {
      return send(200, { issuer: `${base}/github`, jwks_uri: `${base}/github/jwks`,
        id_token_signing_alg_values_supported: ['ES256'], response_types_supported: ['id_token'],
        subject_types_supported: ['public'] });
    }
    if (url.pathname === '/github/jwks') return send(200, { keys: [jwk] });
    if (url.pathname === '/github/token') {
      if (req.headers.authorization !== `Bearer ${requestToken}`) return send(401, { message: 'bad request token' });
      const audience = url.searchParams.get('audience') || 'sigstore';
      const jobWorkflowRef = `${JOB.repository}/${JOB.workflow}@${JOB.ref}`;
      const value = await new jose.SignJWT({
        repository: JOB.repository, repository_owner: JOB.repository.split('/')[0],
        job_workflow_ref: jobWorkflowRef, workflow_ref: jobWorkflowRef, ref: JOB.ref, ref_type: 'branch',
        sha: '0123456789abcdef0123456789abcdef01234567', event_name: 'push', runner_environment: 'github-hosted',
      }).setProtectedHeader({ alg: 'ES256', kid: 'demo' }).setIssuer(`${base}/github`)
        .setSubject(`repo:${JOB.repository}:ref:${JOB.ref}`).setAudience(audience)
        .setIssuedAt().setExpirationTime('5m').sign(privateKey);
      return send(200, { value });
    }
    return send(404, { message: 'not found' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    server,
    info: {
      demoIssuer: `${base}/github`,
      demoTokenUrl: `${base}/github/token?api-version=2.0`,
      demoRequestToken: requestToken,
      demoSubject: `https://github.com/${JOB.repository}/${JOB.workflow}@${JOB.ref}`,
    },
  };
}

module.exports = { createDemoIssuer };

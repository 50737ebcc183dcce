'use strict';
// PEM with 64-column lines: sigstore-java compares re-encoded PEM with what is logged, and
// @sigstore/mock writes single-line PEM.
function toPem(der, label = 'CERTIFICATE') {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
function fromPem(pem) {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
module.exports = { toPem, fromPem };

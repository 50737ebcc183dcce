package io.driftzero.control.credential;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Credential;

/**
 * Mints a credential for an allowed request. The built-in issuer mints an ES256 JWT; others (a cloud
 * STS exchange, Vault) plug in behind this interface. Issuers never log what they mint.
 */
public interface CredentialIssuer {
  Credential issue(CredentialClaims claims) throws DzException;
}

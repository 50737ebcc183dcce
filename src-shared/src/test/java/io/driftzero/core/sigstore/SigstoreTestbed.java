package io.driftzero.core.sigstore;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import java.util.Map;

/**
 * One local Sigstore stack and OIDC issuer per test JVM, shared by the Sigstore test classes
 * (starting them costs ~3 s) and stopped by a shutdown hook. Helpers sign as a given GitHub job.
 */
final class SigstoreTestbed {
  private static SigstoreTestbed instance;

  final SigstoreStack stack;
  final GitHubOidcIssuer oidc;
  final SigstoreInstance sigstore;

  private SigstoreTestbed(SigstoreStack stack, GitHubOidcIssuer oidc) throws DzException {
    this.stack = stack;
    this.oidc = oidc;
    this.sigstore = instanceFor(stack);
  }

  static synchronized SigstoreTestbed get() throws DzException {
    if (instance == null) {
      GitHubOidcIssuer oidc = GitHubOidcIssuer.start();
      SigstoreStack stack = SigstoreStack.start();
      instance = new SigstoreTestbed(stack, oidc);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stack.close();
        oidc.close();
      }));
    }
    return instance;
  }

  /** The product's view of a stack: its trusted root, signing config and TLS trust store. */
  static SigstoreInstance instanceFor(SigstoreStack stack) throws DzException {
    return SigstoreInstance.builder(stack.trustedRoot(), stack.signingConfig())
        .trustStore(stack.truststore(), stack.truststorePassword())
        .build();
  }

  static EnvironmentAttestation attestation(String nonce) {
    return new EnvironmentAttestation("dz://env/build-release", "sha256:" + "ab".repeat(32), "2.4",
        Map.of("java", "17"), nonce, "2025-10-31T15:40:00Z", "1.2.0", null,
        new Actor("pipeline", "github.com/driftzero/demo/.github/workflows/deploy.yml@refs/heads/main"));
  }

  /** Signs {@code statement} as the GitHub job {@code claims} describes, on {@code stack}. */
  SigstoreBlock sign(SigstoreStack on, GitHubClaims claims, EnvironmentAttestation statement) throws DzException {
    try (SigstoreSigner signer = SigstoreSigner.create(instanceFor(on), oidc.token(claims))) {
      return signer.sign(statement).sigstore();
    }
  }

  SigstoreBlock sign(GitHubClaims claims, EnvironmentAttestation statement) throws DzException {
    return sign(stack, claims, statement);
  }

  BundleVerifier verifier() throws DzException {
    return BundleVerifier.fromTrustedRoot(stack.trustedRoot());
  }

  /** The policy the default job satisfies. */
  IdentityPolicy policyFor(GitHubClaims claims) {
    return IdentityPolicy.exact(oidc.issuer(), claims.expectedSan())
        .require(FulcioExtension.SOURCE_REPOSITORY_URI, "https://github.com/" + claims.repository())
        .require(FulcioExtension.SOURCE_REPOSITORY_REF, claims.ref());
  }
}

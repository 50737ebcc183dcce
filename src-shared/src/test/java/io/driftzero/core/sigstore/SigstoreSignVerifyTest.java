package io.driftzero.core.sigstore;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign with the real sigstore-java against the local stack, then verify offline. */
class SigstoreSignVerifyTest {
  static SigstoreStack stack;
  static GitHubOidcIssuer oidc;
  static BundleVerifier verifier;
  static EnvironmentAttestation statement;
  static SigstoreBlock block;
  static GitHubClaims claims = GitHubClaims.defaults();

  @BeforeAll
  static void signOnce() throws Exception {
    oidc = GitHubOidcIssuer.start();
    stack = SigstoreStack.start();
    statement = attestation("550e8400-e29b-41d4-a716-446655440000");
    SigstoreInstance instance = SigstoreInstance.builder(stack.trustedRoot(), stack.signingConfig())
        .trustStore(stack.truststore(), stack.truststorePassword()).build();
    try (SigstoreSigner signer = SigstoreSigner.create(instance, oidc.token(claims))) {
      block = signer.sign(statement).sigstore();
    }
    verifier = BundleVerifier.fromTrustedRoot(stack.trustedRoot());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (oidc != null) {
      oidc.close();
    }
  }

  static EnvironmentAttestation attestation(String nonce) {
    return new EnvironmentAttestation("dz://env/build-release", "sha256:" + "ab".repeat(32), "2.4",
        Map.of("java", "17"), nonce, "2025-10-31T15:40:00Z", "1.2.0", null,
        new Actor("pipeline", "github.com/driftzero/demo/.github/workflows/deploy.yml@refs/heads/main"));
  }

  static IdentityPolicy policy() {
    return IdentityPolicy.exact(oidc.issuer(), claims.expectedSan())
        .require(FulcioExtension.SOURCE_REPOSITORY_URI, "https://github.com/" + claims.repository())
        .require(FulcioExtension.SOURCE_REPOSITORY_REF, claims.ref());
  }

  static List<String> codes(List<Reason> reasons) {
    return reasons.stream().map(Reason::code).toList();
  }

  @Test
  void signedBundleVerifiesOfflineWithItsIdentity() {
    BundleVerification v = verifier.check(statement.payload(), block.bundle(), policy().denySelfHosted());
    assertEquals(List.of(), v.reasons());
    assertEquals(oidc.issuer(), v.identity().issuer());
    assertEquals(claims.expectedSan(), v.identity().subject());
    assertEquals("github-hosted", v.identity().extension(FulcioExtension.RUNNER_ENVIRONMENT));
    assertEquals("https://github.com/" + claims.jobWorkflowRef(), v.identity().extension(FulcioExtension.BUILD_SIGNER_URI));
    assertEquals(block.rekorLogIndex(), v.rekorLogIndex());
    assertEquals(block.rekorUuid(), v.rekorUuid());
  }

  @Test
  void blockCarriesLogCoordinatesCertificateAndV03Bundle() throws Exception {
    assertTrue(block.rekorLogIndex() >= 1);
    assertTrue(block.rekorUuid().matches("[0-9a-f]{64}"), block.rekorUuid());
    assertTrue(block.fulcioCertificate().startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", block.bundle().get("mediaType").asText());
    // The UUID is the one Rekor itself answers to.
    var res = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.rekorUrl() + "/api/v1/log/entries/" + block.rekorUuid())).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode());
    JsonNode entry = Json.mapper().readTree(res.body()).get(block.rekorUuid());
    assertEquals(block.rekorLogIndex().longValue(), entry.get("logIndex").asLong());
  }
}

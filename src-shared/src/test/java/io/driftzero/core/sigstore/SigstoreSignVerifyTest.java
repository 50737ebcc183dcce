package io.driftzero.core.sigstore;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.VerificationOptions.CertificateMatcher;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign with the real sigstore-java against the local stack, then verify offline. */
class SigstoreSignVerifyTest {
  static SigstoreTestbed bed;
  static EnvironmentAttestation statement = SigstoreTestbed.attestation("550e8400-e29b-41d4-a716-446655440000");
  static GitHubClaims claims = GitHubClaims.defaults();
  static SigstoreBlock block;

  @BeforeAll
  static void signOnce() throws Exception {
    bed = SigstoreTestbed.get();
    block = bed.sign(claims, statement);
  }

  @Test
  void signedBundleVerifiesOfflineWithItsIdentity() throws Exception {
    BundleVerification v = bed.verifier().check(statement.payload(), block.bundle(), bed.policyFor(claims).denySelfHosted());
    assertEquals(List.of(), v.reasons());
    assertTrue(v.verified());
    assertEquals(bed.oidc.issuer(), v.identity().issuer());
    assertEquals(claims.expectedSan(), v.identity().subject());
    assertEquals("github-hosted", v.identity().extension(FulcioExtension.RUNNER_ENVIRONMENT));
    assertEquals("https://github.com/" + claims.jobWorkflowRef(), v.identity().extension(FulcioExtension.BUILD_SIGNER_URI));
    assertEquals(block.rekorLogIndex(), v.rekorLogIndex());
    assertEquals(block.rekorUuid(), v.rekorUuid());
  }

  @Test
  void sigstoreJavasOwnKeylessVerifierAcceptsTheBundleToo() throws Exception {
    Bundle bundle = Bundle.from(new StringReader(Json.write(block.bundle())));
    KeylessVerifier kv = KeylessVerifier.builder()
        .trustedRootProvider(TrustedRootProvider.from(bed.stack.trustedRoot())).build();
    kv.verify(io.driftzero.core.json.Json.digest(statement.payload()), bundle, VerificationOptions.builder()
        .addCertificateMatchers(CertificateMatcher.fulcio()
            .subjectAlternativeName(StringMatcher.string(claims.expectedSan()))
            .issuer(StringMatcher.string(bed.oidc.issuer()))
            .build())
        .build());
  }

  @Test
  void blockCarriesLogCoordinatesCertificateAndV03Bundle() throws Exception {
    assertTrue(block.rekorLogIndex() >= 1);
    assertTrue(block.rekorUuid().matches("[0-9a-f]{64}"), block.rekorUuid());
    assertTrue(block.fulcioCertificate().startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", block.bundle().get("mediaType").asText());
    // The UUID is the one Rekor itself answers to.
    HttpResponse<String> res = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(bed.stack.rekorUrl() + "/api/v1/log/entries/" + block.rekorUuid())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode());
    JsonNode entry = Json.mapper().readTree(res.body()).get(block.rekorUuid());
    assertEquals(block.rekorLogIndex().longValue(), entry.get("logIndex").asLong());
  }

  @Test
  void signerNeverShowsTheToken() {
    String token = bed.oidc.token(claims);
    SigstoreSigner signer = SigstoreSigner.create(bed.sigstore, token);
    assertFalse(signer.toString().contains(token));
    assertFalse(signer.describe().contains(token));
    assertFalse(bed.sigstore.toString().contains(bed.stack.truststorePassword()));
  }
}

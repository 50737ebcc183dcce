package io.driftzero.core.sigstore;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.sigstore.GitHubOidcIssuer.GitHubClaims;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fulcio or Rekor unreachable, or the token refused: clear, token-free errors after bounded retries. */
class SigstoreSignerFailuresTest {
  static SigstoreTestbed bed;
  static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(10));
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    bed = SigstoreTestbed.get();
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The stack's signing config with one service URL replaced. */
  SigstoreInstance instanceWith(String field, String url) throws Exception {
    ObjectNode config = (ObjectNode) Json.mapper().readTree(bed.stack.signingConfig().toFile());
    ((ObjectNode) config.withArray(field).get(0)).put("url", url);
    Path file = tmp.resolve("signing_config.json");
    Files.writeString(file, Json.write(config));
    return SigstoreInstance.builder(bed.stack.trustedRoot(), file)
        .trustStore(bed.stack.truststore(), bed.stack.truststorePassword()).retry(FAST).build();
  }

  DzException signExpectingFailure(SigstoreInstance instance, String token, List<Duration> pauses) {
    SigstoreSigner signer = SigstoreSigner.create(instance, token, pauses::add);
    DzException e = assertThrows(DzException.class, () -> signer.sign(SigstoreTestbed.attestation("n-1")));
    assertFalse(e.getMessage().contains(token), "token leaked: " + e.getMessage());
    assertFalse(e.getMessage().matches("(?s).*eyJ[\\w-]*\\.[\\w-]*\\..*"), e.getMessage());
    return e;
  }

  @Test
  void fulcioUnreachable() throws Exception {
    String url = "https://127.0.0.1:" + closedPort();
    List<Duration> pauses = new ArrayList<>();
    DzException e = signExpectingFailure(instanceWith("caUrls", url), bed.oidc.token(GitHubClaims.defaults()), pauses);
    assertEquals(DzException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("Failed to obtain signing certificate from " + url + " (after 3 attempts): "), e.getMessage());
    assertEquals(List.of(Duration.ofMillis(5), Duration.ofMillis(10)), pauses);
  }

  @Test
  void rekorUnreachable() throws Exception {
    String url = "http://127.0.0.1:" + closedPort();
    List<Duration> pauses = new ArrayList<>();
    DzException e = signExpectingFailure(instanceWith("rekorTlogUrls", url), bed.oidc.token(GitHubClaims.defaults()), pauses);
    assertEquals(DzException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().startsWith("Failed to record the signature in the Rekor log at " + url + " (after 3 attempts): "), e.getMessage());
    assertEquals(2, pauses.size());
  }

  @Test
  void tokenForAnotherAudienceIsRefusedWithoutRetrying() throws Exception {
    GitHubClaims c = GitHubClaims.defaults();
    String token = bed.oidc.token(GitHubOidcIssuer.GITHUB, c.subject(), Map.copyOf(c.toClaims()), "not-sigstore", 300);
    List<Duration> pauses = new ArrayList<>();
    DzException e = signExpectingFailure(bed.sigstore.withRetry(FAST), token, pauses);
    assertEquals(DzException.Kind.DENIED, e.kind());
    assertTrue(e.getMessage().startsWith("Failed to obtain signing certificate from " + bed.stack.fulcioUrl() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
    assertEquals(List.of(), pauses);
  }

  @Test
  void expiredTokenIsRefusedWithoutRetrying() throws Exception {
    GitHubClaims c = GitHubClaims.defaults();
    String token = bed.oidc.token(GitHubOidcIssuer.GITHUB, c.subject(), Map.copyOf(c.toClaims()), "sigstore", -120);
    List<Duration> pauses = new ArrayList<>();
    DzException e = signExpectingFailure(bed.sigstore.withRetry(FAST), token, pauses);
    assertEquals(DzException.Kind.DENIED, e.kind());
    assertTrue(e.getMessage().contains("\"exp\" claim timestamp check failed"), e.getMessage());
    assertEquals(List.of(), pauses);
  }

  @Test
  void badConfigurationFilesAreNamed() throws Exception {
    Path missing = tmp.resolve("nope.json");
    DzException e = assertThrows(DzException.class, () -> SigstoreInstance.custom(missing, bed.stack.signingConfig()));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Path notRoot = tmp.resolve("root.json");
    Files.writeString(notRoot, "{\"hello\": 1}");
    e = assertThrows(DzException.class, () -> SigstoreInstance.custom(notRoot, bed.stack.signingConfig()));
    assertTrue(e.getMessage().startsWith("Sigstore trusted root " + notRoot + " is not valid"), e.getMessage());
  }
}

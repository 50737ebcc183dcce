package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdTokenTest {
  @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();

  private static final String SOURCE = "test source";

  @Test
  void parsesClaimsOfARealIssuersToken() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("dz", "other"),
        Map.of("build_number", 42, "flag", true, "groups", List.of("a", "b")),
        Duration.ofMinutes(5));
    IdToken token = IdToken.parse(jwt + "\n", SOURCE);
    assertEquals(jwt, token.raw());
    assertEquals(ISSUER.issuerUrl("any"), token.issuer());
    assertEquals("alice", token.subject());
    assertEquals(List.of("dz", "other"), token.audience());
    assertEquals(Optional.of("42"), token.claim("build_number"));
    assertEquals(Optional.of("true"), token.claim("flag"));
    assertEquals(Optional.of("[\"a\",\"b\"]"), token.claim("groups"));
    assertEquals(Optional.empty(), token.claim("absent"));
    assertEquals(Duration.ofMinutes(5),
        Duration.between(token.issuedAt().orElseThrow(), token.expiresAt()));
  }

  @Test
  void toStringRedactsTheJwt() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    String text = IdToken.parse(jwt, SOURCE).toString();
    assertTrue(text.contains("jwt=<redacted>"), text);
    assertTrue(text.contains("sub=alice"), text);
    Redaction.assertRedacted(text, jwt);
  }

  @Test
  void redactionCheckCatchesALeakedTokenOrSignature() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    String signature = jwt.substring(jwt.lastIndexOf('.') + 1);
    assertThrows(AssertionError.class,
        () -> Redaction.assertRedacted(new DzException(Kind.BAD_INPUT, "bad " + jwt), jwt));
    assertThrows(AssertionError.class,
        () -> Redaction.assertRedacted(new IllegalStateException("x",
            new RuntimeException("sig " + signature)), jwt));
  }

  @Test
  void expiredTokenSaysToFetchAFreshOneAndHowLongTokensLive() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    IdToken token = IdToken.parse(jwt, SOURCE);
    Clock later = Clock.fixed(token.expiresAt().plusSeconds(1), ZoneOffset.UTC);
    DzException e = assertThrows(DzException.class, () -> token.checkNotExpired(later));
    assertEquals(Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("ID token from test source expired at"), e.getMessage());
    assertTrue(e.getMessage().contains("fetch a fresh token; job tokens live 5 minutes"),
        e.getMessage());
    Redaction.assertRedacted(e, jwt);
  }

  @Test
  void tokenExpiredAtIssueIsRejectedByTheRealClock() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofSeconds(-60));
    IdToken token = IdToken.parse(jwt, SOURCE);
    DzException e = assertThrows(DzException.class,
        () -> token.checkNotExpired(Clock.systemUTC()));
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
  }

  @Test
  void validTokenPassesExpiryAndAudienceChecks() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    IdToken token = IdToken.parse(jwt, SOURCE);
    token.checkNotExpired(Clock.fixed(token.expiresAt().minusSeconds(1), ZoneOffset.UTC));
    token.checkAudience("dz", "unused");
  }

  @Test
  void wrongAudienceNamesBothAudiencesAndTheFix() throws Exception {
    String jwt = ISSUER.issue("any", "alice", List.of("vault"), Map.of(), Duration.ofMinutes(5));
    IdToken token = IdToken.parse(jwt, SOURCE);
    DzException e = assertThrows(DzException.class,
        () -> token.checkAudience("dz", "set aud: dz"));
    assertEquals("ID token from test source is for audience [vault], not 'dz': set aud: dz",
        e.getMessage());
  }

  @Test
  void malformedTokensAreBadInputNamingTheSourceNotTheToken() throws Exception {
    String valid = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    String[] parts = valid.split("\\.");
    String garbagePayload = parts[0] + "." + b64("{not json") + "." + parts[2];
    String notBase64 = parts[0] + ".%%%%." + parts[2];
    String unsigned = b64("{\"alg\":\"none\"}") + "." + parts[1] + ".";
    String twoParts = parts[0] + "." + parts[1];
    Map<String, String> cases = Map.of(
        "not-a-jwt", "expected a JWT of three base64url parts",
        twoParts, "expected a JWT of three base64url parts",
        garbagePayload, "header or claims are not base64url-encoded JSON",
        notBase64, "header or claims are not base64url-encoded JSON",
        unsigned, "it is unsigned (alg \"none\")",
        "   ", "is empty");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      DzException e = assertThrows(DzException.class, () -> IdToken.parse(c.getKey(), SOURCE));
      assertEquals(Kind.BAD_INPUT, e.kind());
      assertTrue(e.getMessage().startsWith("ID token from test source is"), e.getMessage());
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
      Redaction.assertRedacted(e, valid, garbagePayload, parts[1]);
    }
  }

  @Test
  void tokenWithoutExpiryOrSubjectIsRejected() throws Exception {
    String valid = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    String[] parts = valid.split("\\.");
    String noExp = parts[0] + "." + b64("{\"iss\":\"https://ci\",\"sub\":\"a\"}") + "." + parts[2];
    String noSub = parts[0] + "." + b64("{\"iss\":\"https://ci\",\"exp\":1}") + "." + parts[2];
    assertTrue(assertThrows(DzException.class, () -> IdToken.parse(noExp, SOURCE))
        .getMessage().contains("it has no exp claim"));
    assertTrue(assertThrows(DzException.class, () -> IdToken.parse(noSub, SOURCE))
        .getMessage().contains("has no 'sub' claim"));
  }

  @Test
  void oversizedTokenIsRejectedWithoutParsing() {
    String huge = "a".repeat(IdToken.MAX_CHARS) + ".b.c";
    DzException e = assertThrows(DzException.class, () -> IdToken.parse(huge, SOURCE));
    assertTrue(e.getMessage().contains("it is not a CI job token"), e.getMessage());
  }

  @Test
  void expiryMessageWithoutIatOmitsTheLifetime() throws Exception {
    String valid = ISSUER.issue("any", "alice", List.of("dz"), Map.of(), Duration.ofMinutes(5));
    String[] parts = valid.split("\\.");
    String noIat = parts[0] + "."
        + b64("{\"iss\":\"https://ci\",\"sub\":\"a\",\"exp\":1000}") + "." + parts[2];
    IdToken token = IdToken.parse(noIat, SOURCE);
    DzException e = assertThrows(DzException.class,
        () -> token.checkNotExpired(Clock.fixed(Instant.ofEpochSecond(2000), ZoneOffset.UTC)));
    assertTrue(e.getMessage().endsWith("fetch a fresh token, so request it right before attesting"),
        e.getMessage());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}

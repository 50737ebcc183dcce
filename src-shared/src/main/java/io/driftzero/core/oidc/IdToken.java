package io.driftzero.core.oidc;

import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.json.Json;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CI job's OIDC ID token: the raw JWT plus its claims, parsed client-side and NOT verified. The
 * signature is checked by dz-control (and Fulcio) against the issuer's JWKS; the claims here only
 * serve to derive the actor and to fail early with a useful message.
 *
 * <p>The raw JWT is a bearer credential. It is redacted from {@link #toString()} and never placed in
 * an exception message; only {@link #raw()} hands it out, for the one call that must send it.
 */
public final class IdToken {
  /** Bound on a token's size: CI tokens are 1–3 KiB; anything far larger is not a job token. */
  static final int MAX_CHARS = 64 * 1024;

  private final String raw;
  private final String source;
  private final JWTClaimsSet claims;

  private IdToken(String raw, String source, JWTClaimsSet claims) {
    this.raw = raw;
    this.source = source;
    this.claims = claims;
  }

  /**
   * Parses a compact JWS. Errors name {@code source} (e.g. "GitLab CI variable DZ_ID_TOKEN") and
   * never the token, and carry no cause: the parser's own message may quote decoded token parts.
   *
   * @param raw the compact serialisation; surrounding whitespace (a file's newline) is ignored
   * @param source where the token came from, for messages
   * @throws DzException BAD_INPUT if it is not a signed JWT with {@code iss}, {@code sub} and {@code
   *     exp}
   */
  public static IdToken parse(String raw, String source) throws DzException {
    if (raw == null || raw.isBlank()) {
      throw new DzException(Kind.BAD_INPUT, "ID token from " + source + " is empty");
    }
    String jwt = raw.strip();
    if (jwt.length() > MAX_CHARS) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + source + " is " + jwt.length() + " characters, over the limit of "
              + MAX_CHARS + ": it is not a CI job token");
    }
    if (jwt.chars().filter(c -> c == '.').count() != 2) {
      throw malformed(source, "expected a JWT of three base64url parts separated by '.'");
    }
    JWT parsed;
    JWTClaimsSet claims;
    try {
      parsed = JWTParser.parse(jwt);
      if (parsed instanceof PlainJWT) {
        throw malformed(source, "it is unsigned (alg \"none\"); CI issuers always sign");
      }
      if (parsed instanceof EncryptedJWT) {
        throw malformed(source, "it is encrypted (JWE); expected a signed JWT (JWS)");
      }
      claims = parsed.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      // Not chained: the parser's message can quote decoded parts of the token.
      throw malformed(source, "header or claims are not base64url-encoded JSON");
    }
    IdToken token = new IdToken(jwt, source, claims);
    token.requireClaim("iss");
    token.requireClaim("sub");
    if (claims.getExpirationTime() == null) {
      throw malformed(source, "it has no exp claim; CI job tokens always expire");
    }
    return token;
  }

  private static DzException malformed(String source, String why) {
    return new DzException(Kind.BAD_INPUT, "ID token from " + source + " is malformed: " + why);
  }

  /** The compact JWT, for the single request that must carry it. Never log it. */
  public String raw() {
    return raw;
  }

  /** Where the token came from, e.g. "GitHub Actions OIDC endpoint". */
  public String source() {
    return source;
  }

  /** The {@code iss} claim (unverified). */
  public String issuer() {
    return claims.getIssuer();
  }

  /** The {@code sub} claim (unverified). */
  public String subject() {
    return claims.getSubject();
  }

  /** The {@code aud} claim as a list (a JWT may carry one string or an array). */
  public List<String> audience() {
    return claims.getAudience();
  }

  /** The {@code exp} claim. */
  public Instant expiresAt() {
    return claims.getExpirationTime().toInstant();
  }

  /** The {@code iat} claim, if present. */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(claims.getIssueTime()).map(Date::toInstant);
  }

  /**
   * A claim as text: strings as they are, numbers and booleans in decimal/JSON form, arrays and
   * objects as JSON. Empty if absent or null.
   */
  public Optional<String> claim(String name) {
    Object value = claims.getClaim(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String s) {
      return Optional.of(s);
    }
    if (value instanceof Date d) {
      return Optional.of(Long.toString(d.toInstant().getEpochSecond()));
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      return Optional.of(Json.write(value));
    }
    return Optional.of(value.toString());
  }

  /**
   * A claim that must be present and non-blank.
   *
   * @throws DzException BAD_INPUT naming the claim and the source
   */
  public String requireClaim(String name) throws DzException {
    Optional<String> value = claim(name);
    if (value.isEmpty() || value.get().isBlank()) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + source + " has no '" + name + "' claim; is it a token from "
              + "the expected CI platform?");
    }
    return value.get();
  }

  /**
   * Fails if the token has expired by {@code clock}. The message gives the token's own lifetime
   * ({@code exp - iat}), so the fix ("fetch a fresh token right before use") is concrete.
   *
   * @throws DzException BAD_INPUT if {@code exp} is not after now
   */
  public void checkNotExpired(Clock clock) throws DzException {
    Instant now = clock.instant();
    if (!now.isBefore(expiresAt())) {
      String lifetime =
          issuedAt()
              .map(iat -> "; job tokens live " + minutes(Duration.between(iat, expiresAt()))
                  + " minutes")
              .orElse("");
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + source + " expired at " + expiresAt() + " (now " + now
              + "): fetch a fresh token" + lifetime + ", so request it right before attesting");
    }
  }

  /**
   * Fails if {@code expected} is not among the token's audiences.
   *
   * @param fix what the user should change, e.g. "set aud: dz under id_tokens.DZ_ID_TOKEN"
   * @throws DzException BAD_INPUT naming both audiences
   */
  public void checkAudience(String expected, String fix) throws DzException {
    if (expected != null && !audience().contains(expected)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "ID token from " + source + " is for audience " + audience() + ", not '" + expected
              + "': " + fix);
    }
  }

  private static long minutes(Duration d) {
    return Math.max(1, Math.round(d.toSeconds() / 60.0));
  }

  /** Identifying claims only; the JWT itself is redacted. */
  @Override
  public String toString() {
    return "IdToken[source=" + source + ", iss=" + issuer() + ", sub=" + subject() + ", aud="
        + audience() + ", exp=" + expiresAt() + ", jwt=<redacted>]";
  }
}

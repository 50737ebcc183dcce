package io.driftzero.core.sigstore;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The signer identity a bundle must carry: the exact OIDC issuer, the subject (SAN) exactly or by
 * a regular expression matched against the whole SAN, Fulcio extension values that must match
 * exactly, and whether jobs on self-hosted runners are acceptable.
 *
 * <pre>{@code
 * IdentityPolicy.exact("https://token.actions.githubusercontent.com",
 *         "https://github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main")
 *     .require(FulcioExtension.SOURCE_REPOSITORY_URI, "https://github.com/org/repo")
 *     .denySelfHosted();
 * }</pre>
 */
public record IdentityPolicy(
    String issuer,
    String subject,
    Pattern subjectRegex,
    Map<FulcioExtension, String> requiredExtensions,
    boolean allowSelfHosted) {

  public IdentityPolicy {
    Objects.requireNonNull(issuer, "issuer");
    if ((subject == null) == (subjectRegex == null)) {
      throw new IllegalArgumentException("give exactly one of subject and subjectRegex");
    }
    requiredExtensions = Map.copyOf(requiredExtensions);
  }

  /** Issuer and subject must equal these strings; self-hosted runners allowed until denied. */
  public static IdentityPolicy exact(String issuer, String subject) {
    return new IdentityPolicy(issuer, subject, null, Map.of(), true);
  }

  /** The subject must match {@code subjectRegex} in full (as cosign's --certificate-identity-regexp). */
  public static IdentityPolicy regex(String issuer, String subjectRegex) {
    return new IdentityPolicy(issuer, null, Pattern.compile(subjectRegex), Map.of(), true);
  }

  /** A copy that also requires {@code extension} to equal {@code value}. */
  public IdentityPolicy require(FulcioExtension extension, String value) {
    Map<FulcioExtension, String> m = new EnumMap<>(FulcioExtension.class);
    m.putAll(requiredExtensions);
    m.put(extension, Objects.requireNonNull(value, "value"));
    return new IdentityPolicy(issuer, subject, subjectRegex, m, allowSelfHosted);
  }

  /** A copy that refuses jobs whose runner environment is {@code self-hosted}. */
  public IdentityPolicy denySelfHosted() {
    return new IdentityPolicy(issuer, subject, subjectRegex, requiredExtensions, false);
  }

  boolean subjectMatches(String san) {
    return san != null && (subject != null ? subject.equals(san) : subjectRegex.matcher(san).matches());
  }

  String describeSubject() {
    return subject != null ? "'" + subject + "'" : "matching /" + subjectRegex.pattern() + "/";
  }
}

package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;
import java.util.Map;

/**
 * Where a CI job's OIDC identity comes from: one implementation per platform, chosen by {@link
 * IdTokenSources#detect}. Mirrors sigstore-java's {@code OidcClient}, with the environment passed in
 * rather than read from the process.
 */
public interface IdTokenSource {
  /** Actor type of every CI job identity. */
  String PIPELINE = "pipeline";

  /** Short platform name, also the name {@link IdTokenSources} accepts: "github", "gitlab", …. */
  String platform();

  /** True if {@code env} looks like this platform's job environment. */
  boolean isEnabled(Map<String, String> env);

  /**
   * Obtains the job's ID token for {@code audience} and checks it client-side (shape, audience,
   * expiry). The signature is not verified here: the relying party does that.
   *
   * @throws DzException BAD_INPUT when the job is not set up to get a token (the message says how),
   *     UNAVAILABLE when the platform's token endpoint cannot be reached
   */
  IdToken fetch(String audience) throws DzException;

  /**
   * The actor this token proves, e.g. {@code pipeline github.com/org/repo/.github/workflows/
   * deploy.yml@refs/heads/main}, after checking that the token's claims agree with each other and
   * with the job environment.
   *
   * @throws DzException BAD_INPUT if a claim is missing or inconsistent
   */
  Actor actor(IdToken token) throws DzException;
}

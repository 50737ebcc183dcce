package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import io.driftzero.core.model.Actor;
import java.time.Clock;
import java.util.Map;

/**
 * Any OIDC token in an environment variable. Actor id: {@code <issuer host>/<sub>} unless one is
 * given.
 */
public final class EnvIdTokenSource implements IdTokenSource {
  private final String variable;
  private final Map<String, String> env;
  private final Clock clock;
  private final String actorId;

  /**
   * @param variable name of the variable holding the compact JWT
   * @param env the job's environment
   * @param clock for the expiry check
   * @param actorId explicit actor id, or null to derive {@code <issuer host>/<sub>}
   */
  public EnvIdTokenSource(
      String variable, Map<String, String> env, Clock clock, String actorId) {
    this.variable = variable;
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.actorId = actorId;
  }

  @Override
  public String platform() {
    return "env";
  }

  @Override
  public boolean isEnabled(Map<String, String> env) {
    String value = env.get(variable);
    return value != null && !value.isBlank();
  }

  @Override
  public IdToken fetch(String audience) throws DzException {
    if (!isEnabled(env)) {
      throw new DzException(
          Kind.BAD_INPUT,
          "environment variable " + variable + " is not set: export the job's OIDC token "
              + "(audience '" + audience + "') in it, or choose another source");
    }
    IdToken token = IdToken.parse(env.get(variable), "environment variable " + variable);
    token.checkAudience(audience, "issue the token for audience '" + audience + "'");
    token.checkNotExpired(clock);
    return token;
  }

  @Override
  public Actor actor(IdToken token) throws DzException {
    return GenericActor.of(token, actorId);
  }
}

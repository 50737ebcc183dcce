package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Any OIDC token written to a file by something else (a platform agent, a sidecar, a test). Actor
 * id: {@code <issuer host>/<sub>} unless one is given.
 */
public final class FileIdTokenSource implements IdTokenSource {
  private final Path path;
  private final Clock clock;
  private final String actorId;

  /**
   * @param path file holding the compact JWT (a trailing newline is fine)
   * @param clock for the expiry check
   * @param actorId explicit actor id, or null to derive {@code <issuer host>/<sub>}
   */
  public FileIdTokenSource(Path path, Clock clock, String actorId) {
    this.path = path;
    this.clock = clock;
    this.actorId = actorId;
  }

  @Override
  public String platform() {
    return "file";
  }

  @Override
  public boolean isEnabled(Map<String, String> env) {
    return Files.isRegularFile(path);
  }

  @Override
  public IdToken fetch(String audience) throws DzException {
    String raw = TokenFiles.read(path, "write the job's OIDC token there, or choose another source");
    IdToken token = IdToken.parse(raw, "ID token file " + path);
    token.checkAudience(audience, "issue the token for audience '" + audience + "'");
    token.checkNotExpired(clock);
    return token;
  }

  @Override
  public Actor actor(IdToken token) throws DzException {
    return GenericActor.of(token, actorId);
  }
}

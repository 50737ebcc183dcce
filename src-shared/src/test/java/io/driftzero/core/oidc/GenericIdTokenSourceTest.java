package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class GenericIdTokenSourceTest {
  @RegisterExtension static final OidcIssuer ISSUER = new OidcIssuer();

  private String jwt(String audience) {
    return ISSUER.issue("buildkite", "pipeline:acme/deploy", List.of(audience), Map.of(),
        OidcIssuer.GITLAB_TTL);
  }

  @Test
  void fileSourceDerivesIssuerHostAndSubject(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token.jwt");
    Files.writeString(file, jwt("driftzero"));
    var source = new FileIdTokenSource(file, Clock.systemUTC(), null);
    assertTrue(source.isEnabled(Map.of()));
    assertEquals(new Actor("pipeline", ISSUER.issuerAuthority() + "/pipeline:acme/deploy"),
        source.actor(source.fetch("driftzero")));
  }

  @Test
  void envSourceUsesAnExplicitActorIdWhenGiven() throws Exception {
    var env = Map.of("MY_TOKEN", jwt("driftzero"));
    var source = new EnvIdTokenSource("MY_TOKEN", env, Clock.systemUTC(), "acme/deploy-prod");
    assertTrue(source.isEnabled(env));
    assertEquals(new Actor("pipeline", "acme/deploy-prod"),
        source.actor(source.fetch("driftzero")));
  }

  @Test
  void envSourceWithoutTheVariableNamesIt() {
    var source = new EnvIdTokenSource("MY_TOKEN", Map.of(), Clock.systemUTC(), null);
    assertFalse(source.isEnabled(Map.of()));
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().startsWith("environment variable MY_TOKEN is not set"),
        e.getMessage());
  }

  @Test
  void fileSourceChecksTheAudience(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token.jwt");
    String jwt = jwt("someone-else");
    Files.writeString(file, jwt);
    var source = new FileIdTokenSource(file, Clock.systemUTC(), null);
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().contains("is for audience [someone-else], not 'driftzero'"),
        e.getMessage());
    Redaction.assertRedacted(e, jwt);
  }

  @Test
  void oversizedFileIsRejected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("build.log");
    Files.writeString(file, "x".repeat(IdToken.MAX_CHARS + 10));
    var source = new FileIdTokenSource(file, Clock.systemUTC(), null);
    DzException e = assertThrows(DzException.class, () -> source.fetch("driftzero"));
    assertTrue(e.getMessage().contains("too large to be a CI job token"), e.getMessage());
  }
}

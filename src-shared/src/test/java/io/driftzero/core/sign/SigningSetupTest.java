package io.driftzero.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.EnvironmentAttestation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningSetupTest {
  static final ECKey KEY = EcKeys.generate();
  static final EnvironmentAttestation STATEMENT = new EnvironmentAttestation("dz://env/x", "sha256:00", "1",
      Map.of(), "n", "2026-01-01T00:00:00Z", "1.0", null, new Actor("pipeline", "ci.example.com/job/x"));

  static String privatePem(Path dir) throws Exception {
    Path f = dir.resolve("k.pem");
    EcKeys.writePrivate(KEY, f);
    return Files.readString(f);
  }

  @Test
  void modesParseAsTypedAndAnUnknownOneNamesTheChoices() throws DzException {
    assertEquals(SigningSetup.Mode.PUBLIC_GOOD, SigningSetup.Mode.parse(" Public-Good "));
    assertEquals(SigningSetup.Mode.OFF, SigningSetup.Mode.parse("off"));
    assertFalse(SigningSetup.Mode.OFF.keyless());
    DzException e = assertThrows(DzException.class, () -> SigningSetup.Mode.parse("fulcio"));
    assertEquals("Sigstore mode 'fulcio' is not one of off, public-good, staging, custom", e.getMessage());
  }

  @Test
  void keyHeldInMemorySignsLikeTheKeyFile(@TempDir Path dir) throws Exception {
    SigningSetup.Resolved r = SigningSetup.keyPem(privatePem(dir), "Jenkins credential 'dz-agent-key'")
        .resolve(Map.of(), Clock.systemUTC());
    SignedAttestation signed = r.signer().sign(STATEMENT);
    assertEquals(EcKeys.withThumbprintId(KEY).getKeyID(), signed.signature().keyId());
    assertTrue(r.actorId().isEmpty());
    assertTrue(r.instance().isEmpty());
  }

  @Test
  void keyFileComesFromTheEnvironmentWhenNotConfigured(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("agent.pem");
    EcKeys.writePrivate(KEY, f);
    SigningSetup.Resolved r = SigningSetup.keyFile(null).resolve(Map.of(SigningSetup.AGENT_KEY_VAR, f.toString()),
        Clock.systemUTC());
    assertTrue(r.signer().describe().startsWith("key-based"));
  }

  @Test
  void offWithoutAnyKeySaysHowToGetOne() {
    DzException e = assertThrows(DzException.class, () -> SigningSetup.keyFile(null).resolve(Map.of(), Clock.systemUTC()));
    assertEquals(SigningSetup.NO_KEY, e.getMessage());
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
  }

  @Test
  void aBadPemNamesItsSourceAndNeverEchoesTheContent() {
    DzException e = assertThrows(DzException.class, () -> SigningSetup.keyPem("not-a-key-SECRETISH", "credential 'k'")
        .resolve(Map.of(), Clock.systemUTC()));
    assertEquals("credential 'k' is not a PEM EC P-256 private key; create one with 'dzctl keygen'", e.getMessage());
  }

  @Test
  void customWithoutItsFilesIsRefusedBeforeAnyNetwork() {
    SigningSetup s = SigningSetup.keyless(SigningSetup.Mode.CUSTOM, "jenkins", null);
    assertEquals(SigningSetup.DEFAULT_AUDIENCE, s.audience());
    DzException e = assertThrows(DzException.class, () -> s.instance(Map.of()));
    assertEquals(SigningSetup.CUSTOM_NEEDS_FILES, e.getMessage());
  }

  @Test
  void keylessWithoutATokenFailsOnTheIdentityNotTheInstance(@TempDir Path dir) throws Exception {
    // Key-based with an identity source: the actor must come from a token, and there is none.
    SigningSetup s = SigningSetup.keyPem(privatePem(dir), "k").withIdentity("jenkins");
    DzException e = assertThrows(DzException.class, () -> s.resolve(Map.of("JENKINS_URL", "https://ci.example.com/"),
        Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("No Jenkins ID token"), e.getMessage());
  }

  @Test
  void secretsAreRedactedAndTheSetupSurvivesSerialisation(@TempDir Path dir) throws Exception {
    SigningSetup s = SigningSetup.keyPem(privatePem(dir), "k")
        .withCustomInstance("/r.json", "/s.json", "/t.p12", "truststore-password");
    assertFalse(s.toString().contains("PRIVATE KEY"));
    assertFalse(s.toString().contains("truststore-password"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(s);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(s, in.readObject());
    }
  }
}

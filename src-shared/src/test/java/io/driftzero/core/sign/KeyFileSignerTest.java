package io.driftzero.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.SignatureBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key-file signing: sign → verify over the canonical statement; any change breaks it. */
class KeyFileSignerTest {
  static EnvironmentAttestation statement(Map<String, String> m) {
    return new EnvironmentAttestation("dz://env/b", "sha256:" + "0".repeat(64), "1", m,
        "550e8400-e29b-41d4-a716-446655440000", "2025-10-31T15:40:00Z", "1.2.0", null,
        new Actor("pipeline", "github.com/org/app"));
  }

  @Test
  void signThenVerifyAndTamperingIsDetected(@TempDir Path dir) throws Exception {
    ECKey k = EcKeys.generate();
    Path f = dir.resolve("k.pem");
    EcKeys.writePrivate(k, f);
    KeyFileSigner signer = KeyFileSigner.fromFile(f);
    assertEquals(EcKeys.thumbprint(k), signer.keyId());

    EnvironmentAttestation s = statement(Map.of("os.arch", "amd64"));
    SignedAttestation signed = signer.sign(s);
    assertNull(signed.sigstore());
    SignatureBlock b = signed.signature();
    assertEquals(SignatureBlock.ECDSA_P256_SHA256, b.algorithm());
    assertEquals(signer.keyId(), b.keyId());
    assertTrue(EcKeys.verifyDer(k.toPublicKey(), s.payload(), b.value()));

    assertFalse(EcKeys.verifyDer(k.toPublicKey(), statement(Map.of("os.arch", "arm64")).payload(), b.value()));
    assertFalse(EcKeys.verifyDer(k.toPublicKey(),
        s.withHardwareAnchor(new HardwareAnchor("tpm2", "AA==")).payload(), b.value()));
    assertFalse(EcKeys.verifyDer(EcKeys.generate().toPublicKey(), s.payload(), b.value()));
  }

  @Test
  void measurementOrderDoesNotChangeThePayload() {
    java.util.LinkedHashMap<String, String> a = new java.util.LinkedHashMap<>();
    a.put("z", "1");
    a.put("a", "2");
    java.util.LinkedHashMap<String, String> b = new java.util.LinkedHashMap<>();
    b.put("a", "2");
    b.put("z", "1");
    assertEquals(new String(statement(a).payload()), new String(statement(b).payload()));
  }

  @Test
  void describeNamesTheKeyIdNeverTheKey(@TempDir Path dir) throws Exception {
    ECKey k = EcKeys.generate();
    KeyFileSigner s = KeyFileSigner.of(k);
    assertTrue(s.describe().contains(s.keyId()));
    assertFalse(s.describe().contains(k.getD().toString()));
    Path f = dir.resolve("k.pem");
    EcKeys.writePrivate(k, f);
    assertFalse(s.describe().contains(Files.readString(f).split("\n")[1].substring(0, 16)));
  }
}

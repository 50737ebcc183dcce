package io.driftzero.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.DzException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files as Java, OpenSSL and dzctl write them; wrong keys refused without leaking material. */
class EcKeysTest {
  @TempDir Path dir;

  private static String pem(String type, byte[] der) throws Exception {
    StringWriter sw = new StringWriter();
    try (PemWriter w = new PemWriter(sw)) {
      w.writeObject(new PemObject(type, der));
    }
    return sw.toString();
  }

  /** Fails if any base64 line of {@code pemText} appears in {@code message}. */
  private static void assertNoKeyMaterial(String message, String pemText) {
    for (String line : pemText.split("\n")) {
      if (!line.startsWith("-----") && line.length() > 16) {
        assertFalse(message.contains(line.substring(0, 16)), () -> "key material in: " + message);
      }
    }
  }

  @Test
  void writePrivateIsPkcs8Mode0600AndReadsBack() throws Exception {
    ECKey k = EcKeys.generate();
    Path f = dir.resolve("agent.pem");
    EcKeys.writePrivate(k, f);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertTrue(Files.readString(f).startsWith("-----BEGIN PRIVATE KEY-----"));
    ECKey back = EcKeys.readPrivate(f);
    assertEquals(EcKeys.thumbprint(k), back.getKeyID());
    assertEquals(k.toPublicJWK().getX(), back.getX());
  }

  @Test
  void pkcs8WithoutThePublicPartDerivesIt() throws Exception {
    ECKey k = EcKeys.generate();
    // An ECPrivateKey structure with no publicKey member, as some tools write it.
    org.bouncycastle.asn1.sec.ECPrivateKey bare = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
        k.toECPrivateKey().getS(), null);
    PrivateKeyInfo info = new PrivateKeyInfo(
        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1), bare);
    Path f = dir.resolve("bare.pem");
    Files.writeString(f, pem("PRIVATE KEY", info.getEncoded()));
    ECKey back = EcKeys.readPrivate(f);
    assertEquals(k.toPublicJWK().getX(), back.getX());
    assertEquals(k.toPublicJWK().getY(), back.getY());
    assertEquals(EcKeys.thumbprint(k), back.getKeyID());
  }

  private static int openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return p.exitValue();
  }

  private static boolean hasOpenssl(Path dir) {
    try {
      return openssl(dir, "version") == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void sec1FromOpensslEcparam() throws Exception {
    assumeTrue(hasOpenssl(dir), "openssl not installed");
    assertEquals(0, openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.pem"));
    String text = Files.readString(dir.resolve("sec1.pem"));
    assertTrue(text.contains("BEGIN EC PRIVATE KEY"), text.lines().findFirst().orElse(""));
    assertEquals(0, openssl(dir, "ec", "-in", "sec1.pem", "-pubout", "-out", "pub.pem"));
    ECKey priv = EcKeys.readPrivate(dir.resolve("sec1.pem"));
    ECKey pub = EcKeys.parsePublic(Files.readString(dir.resolve("pub.pem")), "pub.pem");
    assertEquals(pub.getKeyID(), priv.getKeyID(), "OpenSSL's public half matches ours");
    assertTrue(text.contains("BEGIN EC PARAMETERS"), "the default output leads with the curve parameters");

    assertEquals(0, openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "bare-sec1.pem"));
    assertEquals(0, openssl(dir, "ec", "-in", "bare-sec1.pem", "-pubout", "-out", "bare-pub.pem"));
    assertEquals(EcKeys.parsePublic(Files.readString(dir.resolve("bare-pub.pem")), "x").getKeyID(),
        EcKeys.readPrivate(dir.resolve("bare-sec1.pem")).getKeyID());

    assertEquals(0, openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-out", "p384-sec1.pem"));
    assertThrows(DzException.class, () -> EcKeys.readPrivate(dir.resolve("p384-sec1.pem")));
  }

  @Test
  void wrongCurveIsRefusedWithoutKeyMaterial() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair kp = g.generateKeyPair();
    Path f = dir.resolve("p384.pem");
    String text = pem("PRIVATE KEY", kp.getPrivate().getEncoded());
    Files.writeString(f, text);
    DzException e = assertThrows(DzException.class, () -> EcKeys.readPrivate(f));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("P-256"), e.getMessage());
    assertNoKeyMaterial(e.getMessage(), text);

    String pubText = pem("PUBLIC KEY", kp.getPublic().getEncoded());
    DzException pe = assertThrows(DzException.class, () -> EcKeys.parsePublic(pubText, "policy.yaml:9"));
    assertTrue(pe.getMessage().startsWith("policy.yaml:9"), pe.getMessage());
    assertNoKeyMaterial(pe.getMessage(), pubText);
  }

  @Test
  void rsaAndGarbageAreRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Path rsa = dir.resolve("rsa.pem");
    String text = pem("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded());
    Files.writeString(rsa, text);
    DzException e = assertThrows(DzException.class, () -> EcKeys.readPrivate(rsa));
    assertNoKeyMaterial(e.getMessage(), text);
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n");
    assertThrows(DzException.class, () -> EcKeys.readPrivate(junk));
    DzException missing = assertThrows(DzException.class, () -> EcKeys.readPrivate(dir.resolve("absent.pem")));
    assertTrue(missing.getMessage().contains("absent.pem"));
    assertThrows(DzException.class, () -> EcKeys.parsePublic("not a pem", "here"));
  }

  @Test
  void signAndVerifyDer() throws Exception {
    ECKey k = EcKeys.generate();
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    String sig = EcKeys.signDer(k.toPrivateKey(), data);
    assertTrue(EcKeys.verifyDer(k.toPublicKey(), data, sig));
    assertFalse(EcKeys.verifyDer(k.toPublicKey(), "hellO".getBytes(StandardCharsets.UTF_8), sig));
    assertFalse(EcKeys.verifyDer(EcKeys.generate().toPublicKey(), data, sig));
    assertFalse(EcKeys.verifyDer(k.toPublicKey(), data, null));
    assertFalse(EcKeys.verifyDer(k.toPublicKey(), data, "@@@"));
    assertFalse(EcKeys.verifyDer(k.toPublicKey(), data, "AAAA"));
  }
}

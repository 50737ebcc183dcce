package io.driftzero.control.keys;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.driftzero.core.DzException;
import io.driftzero.core.sign.EcKeys;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;
import java.util.ArrayList;
import java.util.List;

/**
 * dz-control's two ES256 keys: one signs audit events, one signs credentials. Loaded from PKCS#8
 * PEM files in {@code <data-dir>/keys/} (created with mode 0600 on first start); replicas share them
 * by sharing the files, and pick up a rotated key file within seconds. Rotation ({@link #rotate})
 * keeps the old public key under {@code retired/}:
 * the JWKS publishes current and retired keys with their {@code kid}s, so events and credentials
 * signed before a rotation still verify.
 */
public final class SigningKeys {
  static final String AUDIT = "audit-signing.pem";
  static final String CREDENTIAL = "credential-signing.pem";
  static final String RETIRED = "retired";

  /** The keys in force at one moment; a rotation swaps the whole set. */
  private record Ring(ECKey audit, ECKey credential, List<ECKey> retired, FileTime auditMtime, FileTime credentialMtime) {}

  private static final long CHECK_EVERY_NANOS = 2_000_000_000L;

  private final Path keyDir;
  private final AtomicReference<Ring> ring = new AtomicReference<>();
  private volatile long nextCheck;

  private SigningKeys(Path keyDir) throws DzException {
    this.keyDir = keyDir;
    ring.set(read(keyDir));
  }

  public static SigningKeys loadOrCreate(Path keyDir) throws DzException {
    return new SigningKeys(keyDir);
  }

  private static Ring read(Path keyDir) throws DzException {
    ECKey audit = load(keyDir.resolve(AUDIT));
    ECKey credential = load(keyDir.resolve(CREDENTIAL));
    return new Ring(audit, credential, retired(keyDir), mtime(keyDir.resolve(AUDIT)), mtime(keyDir.resolve(CREDENTIAL)));
  }

  private static FileTime mtime(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The keys in force. When another replica (or {@code dz-control keys rotate}) replaced a key file,
   * this replica notices within about two seconds and signs with the new key from then on.
   */
  private Ring ring() {
    long now = System.nanoTime();
    if (now - nextCheck >= 0) {
      nextCheck = now + CHECK_EVERY_NANOS;
      Ring r = ring.get();
      if (!java.util.Objects.equals(r.auditMtime(), mtime(keyDir.resolve(AUDIT)))
          || !java.util.Objects.equals(r.credentialMtime(), mtime(keyDir.resolve(CREDENTIAL)))) {
        reload();
      }
    }
    return ring.get();
  }

  /** Re-reads the key files now; a key file that cannot be read leaves the keys in force unchanged. */
  public synchronized void reload() {
    try {
      ring.set(read(keyDir));
    } catch (DzException e) {
      org.slf4j.LoggerFactory.getLogger(SigningKeys.class).error("signing keys not reloaded: {}", e.getMessage());
    }
  }

  /** The directory the keys live in (for rotation). */
  public Path directory() {
    return keyDir;
  }

  private static ECKey load(Path file) throws DzException {
    if (!Files.exists(file)) {
      EcKeys.writePrivate(EcKeys.generate(), file);
    }
    return EcKeys.readPrivate(file);
  }

  private static List<ECKey> retired(Path keyDir) throws DzException {
    List<ECKey> out = new ArrayList<>();
    Path dir = keyDir.resolve(RETIRED);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pub.pem")) {
      for (Path f : files) {
        out.add(EcKeys.parsePublic(Files.readString(f), "retired key " + f));
      }
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Cannot read retired keys in " + dir + ": " + e.getMessage());
    }
    return out;
  }

  /** Which key to rotate. */
  public enum Which { AUDIT, CREDENTIAL }

  /**
   * Replaces the current key with a new one and keeps the old public key under {@code retired/} so
   * the JWKS keeps publishing it. Returns {@code [old kid, new kid]}. Replicas pick the new key up
   * when restarted; until then they keep signing with the old one, which stays valid.
   */
  public static String[] rotate(Path keyDir, Which which) throws DzException {
    Path file = keyDir.resolve(which == Which.AUDIT ? AUDIT : CREDENTIAL);
    ECKey old = EcKeys.readPrivate(file);
    try {
      Path retiredDir = Files.createDirectories(keyDir.resolve(RETIRED));
      Files.writeString(retiredDir.resolve(old.getKeyID() + ".pub.pem"), EcKeys.publicPem(old));
      ECKey next = EcKeys.generate();
      Path tmp = keyDir.resolve(file.getFileName() + ".new");
      EcKeys.writePrivate(next, tmp);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new String[] {old.getKeyID(), EcKeys.thumbprint(next)};
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Cannot rotate " + file + ": " + e.getMessage());
    }
  }

  public ECKey audit() {
    return ring().audit();
  }

  public ECKey credential() {
    return ring().credential();
  }

  /** Public JWKS: current credential and audit keys, then retired ones; {@code use: sig}, {@code alg: ES256}. */
  public JWKSet publicJwks() {
    Ring now = ring();
    ECKey credential = now.credential();
    ECKey audit = now.audit();
    List<JWK> keys = new ArrayList<>(List.of(publicJwk(credential), publicJwk(audit)));
    for (ECKey r : now.retired()) {
      if (!r.getKeyID().equals(credential.getKeyID()) && !r.getKeyID().equals(audit.getKeyID())) {
        keys.add(publicJwk(r));
      }
    }
    return new JWKSet(keys);
  }

  private static JWK publicJwk(ECKey k) {
    return new ECKey.Builder(k.toPublicJWK()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
        .keyID(k.getKeyID()).build();
  }
}

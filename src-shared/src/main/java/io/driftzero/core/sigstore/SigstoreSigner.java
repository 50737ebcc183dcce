package io.driftzero.core.sigstore;

import dev.sigstore.AlgorithmRegistry;
import dev.sigstore.KeylessSigner;
import dev.sigstore.KeylessSignerException;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.oidc.client.OidcClients;
import dev.sigstore.oidc.client.TokenStringOidcClient;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.trustroot.Service;
import dev.sigstore.trustroot.SigstoreSigningConfig;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sign.AttestationSigner;
import io.driftzero.core.sign.SignedAttestation;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Keyless Sigstore signing: an ephemeral P-256 key, a Fulcio certificate for the caller's OIDC
 * identity, and a Rekor v1 {@code hashedrekord} entry for the signature over
 * {@link EnvironmentAttestation#payload()} as a blob (what {@code cosign sign-blob} does). The
 * result carries the whole bundle so dz-control verifies offline with {@link BundleVerifier}.
 *
 * <p>The identity token is obtained by the caller (an {@code IdTokenSource}) and passed in raw; it
 * never appears in a message, log line or {@code toString()}. Transient Fulcio/Rekor failures are
 * retried per the instance's {@link RetryPolicy}.
 *
 * <p>Later: an in-toto Statement in a DSSE envelope can be added behind the same
 * {@link AttestationSigner} interface as another signer; sigstore-java's {@code attest} needs a
 * Rekor v2 log and a timestamp authority, which the instances we target do not all offer yet.
 */
public final class SigstoreSigner implements AttestationSigner, AutoCloseable {
  private final SigstoreInstance instance;
  private final String idToken;
  private final Sleeper sleeper;
  private KeylessSigner signer;

  /** Pauses between attempts; tests pass a recording one. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(java.time.Duration d) throws InterruptedException;
  }

  private SigstoreSigner(SigstoreInstance instance, String idToken, Sleeper sleeper) {
    this.instance = Objects.requireNonNull(instance, "instance");
    this.idToken = Objects.requireNonNull(idToken, "idToken");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** A signer for one identity token (a CI job's token lives as long as the job). */
  public static SigstoreSigner create(SigstoreInstance instance, String rawIdToken) {
    return new SigstoreSigner(instance, rawIdToken, d -> Thread.sleep(d.toMillis()));
  }

  /** As {@link #create(SigstoreInstance, String)} with a custom pause between retries. */
  public static SigstoreSigner create(SigstoreInstance instance, String rawIdToken, Sleeper sleeper) {
    return new SigstoreSigner(instance, rawIdToken, sleeper);
  }

  @Override
  public SignedAttestation sign(EnvironmentAttestation statement) throws DzException {
    byte[] digest = Json.digest(statement.payload());
    KeylessSigner keyless = signer();
    RetryPolicy retry = instance.retry();
    for (int attempt = 1; ; attempt++) {
      try {
        return SignedAttestation.sigstore(toBlock(keyless.sign(digest)));
      } catch (KeylessSignerException | RuntimeException e) {
        if (e instanceof RuntimeException && !SigningFailure.isGrpc(e)) {
          throw new DzException(DzException.Kind.INTERNAL, "Sigstore signing failed: "
              + SigningFailure.redact(e.getClass().getSimpleName() + ": " + e.getMessage(), idToken));
        }
        SigningFailure f = SigningFailure.classify(e, idToken);
        if (!f.transientFailure() || attempt >= retry.maxAttempts()) {
          throw f.toException(urlOf(f.stage()), attempt);
        }
        pause(retry.backoffAfter(attempt));
      }
    }
  }

  @Override
  public String describe() {
    return "sigstore keyless (" + instance.name() + ", hashedrekord blob)";
  }

  @Override
  public String toString() {
    return "SigstoreSigner[" + instance + ", token=<redacted>]";
  }

  @Override
  public void close() {
    if (signer != null) {
      signer.close();
    }
  }

  /** hex(SHA-256(0x00 ‖ body)): the Rekor v1 entry UUID, which the bundle does not keep. */
  static String rekorUuid(RekorEntry entry) {
    byte[] body = java.util.Base64.getDecoder().decode(entry.getBody());
    byte[] leaf = new byte[body.length + 1];
    System.arraycopy(body, 0, leaf, 1, body.length);
    return java.util.HexFormat.of().formatHex(Json.digest(leaf));
  }

  private SigstoreBlock toBlock(Bundle bundle) throws DzException {
    RekorEntry entry = bundle.getEntries().get(0);
    try {
      String certPem = Certificates.toPemString(Certificates.getLeaf(bundle.getCertPath()));
      return new SigstoreBlock(entry.getLogIndex(), rekorUuid(entry), certPem,
          Json.mapper().readTree(bundle.toJson()));
    } catch (IOException e) {
      throw new DzException(DzException.Kind.INTERNAL, "Cannot encode the Sigstore bundle: " + e.getMessage(), e);
    }
  }

  private synchronized KeylessSigner signer() throws DzException {
    if (signer == null) {
      instance.trustStore().ifPresent(TrustStores::useForJvm);
      try {
        signer = KeylessSigner.builder()
            .trustedRootProvider(instance.trustedRootProvider())
            .signingConfigProvider(instance.signingConfigProvider())
            .forceCredentialProviders(OidcClients.of(TokenStringOidcClient.from(idToken)))
            .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256)
            .minSigningCertificateLifetime(KeylessSigner.DEFAULT_MIN_SIGNING_CERTIFICATE_LIFETIME)
            .build();
      } catch (Exception e) {
        throw new DzException(DzException.Kind.UNAVAILABLE, "Cannot set up Sigstore signing for "
            + instance.name() + ": " + SigningFailure.redact(e.getMessage(), idToken), e);
      }
    }
    return signer;
  }

  private String urlOf(SigningFailure.Stage stage) {
    try {
      SigstoreSigningConfig config = instance.loadSigningConfig();
      List<Service> services = stage == SigningFailure.Stage.FULCIO ? config.getCas() : config.getTLogs();
      return services.isEmpty() ? "(none configured)" : services.get(0).getUrl().toString();
    } catch (DzException e) {
      return "(unknown: " + e.getMessage() + ")";
    }
  }

  private void pause(java.time.Duration d) throws DzException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DzException(DzException.Kind.UNAVAILABLE, "Interrupted while waiting to retry Sigstore signing");
    }
  }
}

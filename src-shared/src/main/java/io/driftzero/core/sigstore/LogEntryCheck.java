package io.driftzero.core.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.encryption.signers.Verifiers;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.rekor.client.RekorVerifier;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.Reason;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** The log-entry and signature halves of {@link BundleVerifier}, kept apart to stay readable. */
final class LogEntryCheck {
  private LogEntryCheck() {}

  /** Null when the SET, inclusion proof and checkpoint verify against a trusted log; else why not. */
  static String verifyEntry(RekorVerifier rekor, RekorEntry entry) {
    String set = entry.getVerification().getSignedEntryTimestamp();
    if (set == null || set.isEmpty()) {
      // Without a TSA the SET is the only thing vouching for the integrated time.
      return "Log entry has no signed entry timestamp, so its integrated time is unauthenticated";
    }
    try {
      rekor.verifyEntry(entry);
      return null;
    } catch (Exception e) {
      String cause = e.getCause() == null ? "" : " (" + BundleVerifier.firstLine(e.getCause().getMessage()) + ")";
      return "Transparency log entry does not verify: " + BundleVerifier.firstLine(e.getMessage()) + cause;
    }
  }

  /**
   * Null when the bundle and its log entry are about {@code digest}, the signature verifies with
   * the certificate, and the entry records that very signature and certificate.
   */
  static Reason matchMaterials(byte[] digest, Bundle bundle, X509Certificate leaf, RekorEntry entry) {
    Bundle.MessageSignature ms = bundle.getMessageSignature().orElseThrow();
    JsonNode spec;
    try {
      spec = Json.mapper().readTree(Base64.getDecoder().decode(entry.getBody())).path("spec");
    } catch (Exception e) {
      return new Reason(SigstoreReasons.TLOG_INVALID, "Log entry body is not a hashedrekord: " + e.getMessage());
    }
    String loggedDigest = spec.path("data").path("hash").path("value").asText("");
    boolean bundleDigestDiffers = ms.getMessageDigest().map(d -> !Arrays.equals(d.getDigest(), digest)).orElse(false);
    if (bundleDigestDiffers || !loggedDigest.equalsIgnoreCase(HexFormat.of().formatHex(digest))) {
      return new Reason(SigstoreReasons.PAYLOAD_MISMATCH, "The bundle signs another payload: sha256 "
          + loggedDigest + " was logged, the payload presented is sha256 " + HexFormat.of().formatHex(digest));
    }
    try {
      if (!Verifiers.newVerifier(leaf.getPublicKey()).verifyDigest(digest, ms.getSignature())) {
        return new Reason(SigstoreReasons.SIGNATURE_INVALID, "The signature does not verify with the certificate's key");
      }
    } catch (Exception e) {
      return new Reason(SigstoreReasons.SIGNATURE_INVALID, "The signature cannot be checked: " + e.getMessage());
    }
    try {
      byte[] loggedSig = Base64.getDecoder().decode(spec.path("signature").path("content").asText(""));
      byte[] loggedCertPem = Base64.getDecoder().decode(spec.path("signature").path("publicKey").path("content").asText(""));
      byte[] loggedCert = Certificates.fromPem(loggedCertPem).getEncoded();
      if (!Arrays.equals(loggedSig, ms.getSignature()) || !Arrays.equals(loggedCert, leaf.getEncoded())) {
        return new Reason(SigstoreReasons.TLOG_INVALID, "The log entry records another signature or certificate than the bundle");
      }
    } catch (Exception e) {
      return new Reason(SigstoreReasons.TLOG_INVALID, "The log entry's signature or certificate is unreadable: " + e.getMessage());
    }
    return null;
  }
}

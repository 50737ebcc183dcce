package io.driftzero.core.sigstore;

import static io.driftzero.core.sigstore.SigstoreReasons.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.rekor.client.RekorVerifier;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.Reason;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;

/**
 * Verifies a Sigstore bundle (hashedrekord, Rekor v1) offline, from the bundle alone and a pinned
 * trusted root: no call to Fulcio, Rekor or TUF. In order, stopping at the first failure since
 * later checks mean nothing on untrusted material:
 *
 * <ol>
 *   <li>the certificate chains to a trusted Fulcio CA and carries a valid SCT ({@link SigstoreReasons#CERT_UNTRUSTED});
 *   <li>the log entry's signed entry timestamp, inclusion proof and signed checkpoint verify with a
 *       trusted log key ({@link SigstoreReasons#TLOG_INVALID});
 *   <li>the certificate was valid at the integrated time the SET vouches for ({@link SigstoreReasons#CERT_EXPIRED});
 *   <li>the bundle and log entry sign this payload's digest ({@link SigstoreReasons#PAYLOAD_MISMATCH});
 *   <li>the signature verifies with the certificate key ({@link SigstoreReasons#SIGNATURE_INVALID}) and the log
 *       entry records exactly this signature and certificate ({@link SigstoreReasons#TLOG_INVALID});
 *   <li>the identity matches the policy (issuer, subject, extensions, runner) — all mismatches reported.
 * </ol>
 *
 * <p>sigstore-java's {@code KeylessVerifier} does the same cryptography but reports every failure
 * as one exception type told apart only by message, and (2.0.0) does not check the certificate at
 * the integrated time; so this class calls its building blocks ({@code FulcioVerifier},
 * {@code RekorVerifier}, {@code Verifiers}) directly, each of which fails distinguishably.
 */
public final class BundleVerifier {
  private final FulcioVerifier fulcio;
  private final RekorVerifier rekor;

  private BundleVerifier(SigstoreTrustedRoot root) throws DzException {
    try {
      this.fulcio = FulcioVerifier.newFulcioVerifier(root);
      this.rekor = RekorVerifier.newRekorVerifier(root);
    } catch (Exception e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Trusted root cannot be used: " + e.getMessage(), e);
    }
  }

  /** Loads the instance's trusted root once (for the TUF presets, the only network access). */
  public static BundleVerifier create(SigstoreInstance instance) throws DzException {
    return new BundleVerifier(instance.loadTrustedRoot());
  }

  /** From a pinned {@code trusted_root.json}, e.g. one shipped with dz-control's configuration. */
  public static BundleVerifier fromTrustedRoot(Path trustedRootJson) throws DzException {
    try (InputStream in = Files.newInputStream(trustedRootJson)) {
      return new BundleVerifier(SigstoreTrustedRoot.from(in));
    } catch (java.io.IOException | SigstoreConfigurationException e) {
      throw new DzException(DzException.Kind.BAD_INPUT,
          "Cannot load Sigstore trusted root " + trustedRootJson + ": " + e.getMessage(), e);
    }
  }

  /** The reasons to refuse the bundle; empty when it verifies. */
  public List<Reason> verify(byte[] payload, JsonNode bundle, IdentityPolicy policy) {
    return check(payload, bundle, policy).reasons();
  }

  /** As {@link #verify}, with the signer identity and log coordinates for audit. */
  public BundleVerification check(byte[] payload, JsonNode bundleJson, IdentityPolicy policy) {
    Bundle bundle;
    X509Certificate leaf;
    RekorEntry entry;
    try {
      bundle = Bundle.from(new StringReader(Json.write(bundleJson)));
      if (bundle.getMessageSignature().isEmpty() || bundle.getEntries().size() != 1) {
        return BundleVerification.denied(BUNDLE_MALFORMED,
            "Expected a message-signature bundle with one Rekor entry (DSSE bundles are not accepted yet)");
      }
      leaf = Certificates.getLeaf(bundle.getCertPath());
      entry = bundle.getEntries().get(0);
    } catch (Exception e) {
      return BundleVerification.denied(BUNDLE_MALFORMED, "Not a readable Sigstore bundle: " + e.getMessage());
    }
    try {
      fulcio.verifySigningCertificate(bundle.getCertPath());
    } catch (Exception e) {
      return BundleVerification.denied(CERT_UNTRUSTED,
          "Signing certificate is not from a trusted Fulcio: " + firstLine(e.getMessage()));
    }
    String tlogProblem = LogEntryCheck.verifyEntry(rekor, entry);
    if (tlogProblem != null) {
      return BundleVerification.denied(TLOG_INVALID, tlogProblem);
    }
    try {
      leaf.checkValidity(Date.from(entry.getIntegratedTimeInstant()));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return BundleVerification.denied(CERT_EXPIRED, "Certificate valid " + leaf.getNotBefore().toInstant()
          + " to " + leaf.getNotAfter().toInstant() + " but the log integrated the entry at "
          + entry.getIntegratedTimeInstant());
    }
    Reason material = LogEntryCheck.matchMaterials(Json.digest(payload), bundle, leaf, entry);
    if (material != null) {
      return new BundleVerification(List.of(material), null, null, null, null);
    }
    SigstoreIdentity identity = SigstoreIdentity.fromCertificate(leaf);
    return new BundleVerification(IdentityCheck.check(identity, policy), identity,
        entry.getLogIndex(), SigstoreSigner.rekorUuid(entry), entry.getIntegratedTimeInstant());
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}

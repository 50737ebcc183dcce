package io.driftzero.core.sigstore;

/** The reason codes {@link BundleVerifier} returns; policies and tests match on these strings. */
public final class SigstoreReasons {
  private SigstoreReasons() {}

  /** Not a Sigstore bundle we can read (JSON, media type, missing certificate or log entry). */
  public static final String BUNDLE_MALFORMED = "SIGSTORE_BUNDLE_MALFORMED";
  /** The certificate does not chain to a trusted Fulcio CA, or has no valid SCT from a trusted CT log. */
  public static final String CERT_UNTRUSTED = "SIGSTORE_CERT_UNTRUSTED";
  /** The certificate was not valid at the time the log integrated the entry. */
  public static final String CERT_EXPIRED = "SIGSTORE_CERT_EXPIRED";
  /** The signature does not verify with the certificate's key over the payload digest. */
  public static final String SIGNATURE_INVALID = "SIGSTORE_SIGNATURE_INVALID";
  /** The bundle signs some other payload than the one presented. */
  public static final String PAYLOAD_MISMATCH = "SIGSTORE_PAYLOAD_MISMATCH";
  /** The log entry's inclusion proof, checkpoint or signed entry timestamp does not verify, or the entry is for other materials. */
  public static final String TLOG_INVALID = "SIGSTORE_TLOG_INVALID";
  /** The certificate's OIDC issuer is not the one the policy allows. */
  public static final String ISSUER_MISMATCH = "SIGSTORE_ISSUER_MISMATCH";
  /** The certificate's subject (SAN) is not the one the policy allows. */
  public static final String SUBJECT_MISMATCH = "SIGSTORE_SUBJECT_MISMATCH";
  /** A required Fulcio extension (repository, ref, workflow, …) has another value. */
  public static final String EXTENSION_MISMATCH = "SIGSTORE_EXTENSION_MISMATCH";
  /** The job ran on a self-hosted runner and the policy allows only platform-hosted ones. */
  public static final String SELF_HOSTED_RUNNER = "SIGSTORE_SELF_HOSTED_RUNNER";
}

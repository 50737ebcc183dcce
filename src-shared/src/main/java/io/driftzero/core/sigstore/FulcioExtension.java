package io.driftzero.core.sigstore;

/**
 * The Fulcio certificate extensions (OID arc 1.3.6.1.4.1.57264.1) a policy can require, in their
 * v2 form: DER UTF8String values. See Fulcio's docs/oid-info.md.
 */
public enum FulcioExtension {
  ISSUER("1.3.6.1.4.1.57264.1.8"),
  BUILD_SIGNER_URI("1.3.6.1.4.1.57264.1.9"),
  BUILD_SIGNER_DIGEST("1.3.6.1.4.1.57264.1.10"),
  RUNNER_ENVIRONMENT("1.3.6.1.4.1.57264.1.11"),
  SOURCE_REPOSITORY_URI("1.3.6.1.4.1.57264.1.12"),
  SOURCE_REPOSITORY_DIGEST("1.3.6.1.4.1.57264.1.13"),
  SOURCE_REPOSITORY_REF("1.3.6.1.4.1.57264.1.14"),
  SOURCE_REPOSITORY_IDENTIFIER("1.3.6.1.4.1.57264.1.15"),
  SOURCE_REPOSITORY_OWNER_URI("1.3.6.1.4.1.57264.1.16"),
  SOURCE_REPOSITORY_OWNER_IDENTIFIER("1.3.6.1.4.1.57264.1.17"),
  BUILD_CONFIG_URI("1.3.6.1.4.1.57264.1.18"),
  BUILD_CONFIG_DIGEST("1.3.6.1.4.1.57264.1.19"),
  BUILD_TRIGGER("1.3.6.1.4.1.57264.1.20"),
  RUN_INVOCATION_URI("1.3.6.1.4.1.57264.1.21"),
  SOURCE_REPOSITORY_VISIBILITY("1.3.6.1.4.1.57264.1.22");

  /** The deprecated v1 issuer extension: a raw string, still the only one in older certificates. */
  public static final String LEGACY_ISSUER_OID = "1.3.6.1.4.1.57264.1.1";

  /** GitHub's value of {@link #RUNNER_ENVIRONMENT} for runners the customer operates. */
  public static final String SELF_HOSTED = "self-hosted";

  private final String oid;

  FulcioExtension(String oid) {
    this.oid = oid;
  }

  public String oid() {
    return oid;
  }
}

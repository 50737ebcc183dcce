package io.driftzero.core;

/**
 * The one checked exception of driftzero-core. Its message says what failed, with which input, and
 * what to do; it never carries a token, credential or key. {@link Kind} lets a CLI map it to an exit
 * code and a server to a status.
 */
public class DzException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Broad class of failure, used to choose an exit code or HTTP status. */
  public enum Kind {
    /** The input (a flag, a file, a request field) is wrong: fix it and retry. */
    BAD_INPUT,
    /** A peer (dz-control, an OIDC endpoint, a TPM, Fulcio, Rekor) could not be reached. */
    UNAVAILABLE,
    /** A signature, proof or chain did not verify. */
    VERIFICATION,
    /** A decision went against the caller. */
    DENIED,
    /** Anything else: a bug or an environment fault. */
    INTERNAL
  }

  private final Kind kind;

  public DzException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public DzException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

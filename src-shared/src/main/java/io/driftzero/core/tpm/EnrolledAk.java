package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An attestation key the policy trusts: its TPM name (which commits to the whole public area, so
 * the evidence's {@code ak_public} is checked against it) and an optional label for messages, e.g.
 * the runner's host name.
 *
 * @param name lower-case hex TPM name: {@code 000b} ‖ SHA-256(TPMT_PUBLIC), 68 hex digits
 * @param label who this AK belongs to, or {@code null}
 */
public record EnrolledAk(String name, String label) {
  private static final Pattern NAME = Pattern.compile("000b[0-9a-f]{64}");

  /** Message when an enrolled name is not a SHA-256 TPM name. */
  public static final String BAD_NAME = "is not a TPM name (expected 68 hex digits starting 000b)";

  /**
   * Parses an enrolled name as written in policy (hex, any case).
   *
   * @throws DzException {@code BAD_INPUT} naming the value
   */
  public static EnrolledAk parse(String name, String label) throws DzException {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (!NAME.matcher(n).matches()) {
      throw new DzException(DzException.Kind.BAD_INPUT,
          "Enrolled TPM AK name '" + name + "' " + BAD_NAME
              + "; copy it from the agent's 'TPM attestation key' output");
    }
    return new EnrolledAk(n, label);
  }

  /** The label if any, else the name: for messages. */
  public String describe() {
    return label == null ? name : label + " (" + name + ")";
  }
}

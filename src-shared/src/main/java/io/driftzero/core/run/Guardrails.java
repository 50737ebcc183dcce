package io.driftzero.core.run;

import io.driftzero.core.DzException;
import io.driftzero.core.sign.SigningSetup;
import java.io.Serializable;

/**
 * Settings an administrator enforces on every job of a CI server: a job may tighten them, never
 * weaken them. A job that asks for less is refused with a message naming the setting, rather than
 * silently overridden, so the pipeline author sees why.
 *
 * @param requireSigstore every attestation is signed keylessly (Sigstore); key-based is refused
 * @param failOnDeny a denial fails the build
 */
public record Guardrails(boolean requireSigstore, boolean failOnDeny) implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String SIGSTORE_REQUIRED = "Sigstore signing is required by the DriftZero global"
      + " configuration (requireSigstore); this job asked for sigstore 'off'. Remove the override or ask an"
      + " administrator";
  public static final String SIGSTORE_REQUIRED_BUT_OFF = "The DriftZero global configuration requires Sigstore"
      + " (requireSigstore) but its Sigstore instance is 'off': choose public-good, staging or custom";
  public static final String FAIL_ON_DENY_ENFORCED = "failOnDeny is enforced by the DriftZero global configuration;"
      + " this job cannot set failOnDeny: false";

  /**
   * The signing mode a job runs with.
   *
   * @param configured the administrator's mode
   * @param requested the job's override, or null to take {@code configured}
   * @throws DzException BAD_INPUT when the result would not be keyless under {@link #requireSigstore}
   */
  public SigningSetup.Mode signingMode(SigningSetup.Mode configured, SigningSetup.Mode requested) throws DzException {
    SigningSetup.Mode mode = requested != null ? requested : configured;
    if (requireSigstore && !mode.keyless()) {
      throw new DzException(DzException.Kind.BAD_INPUT,
          requested != null ? SIGSTORE_REQUIRED : SIGSTORE_REQUIRED_BUT_OFF);
    }
    return mode;
  }

  /**
   * Whether a denial fails the build.
   *
   * @param requested the job's setting, or null to take the enforced default
   * @throws DzException BAD_INPUT when the job asks for false while {@link #failOnDeny} is enforced
   */
  public boolean failOnDeny(Boolean requested) throws DzException {
    if (requested == null) {
      return failOnDeny;
    }
    if (failOnDeny && !requested) {
      throw new DzException(DzException.Kind.BAD_INPUT, FAIL_ON_DENY_ENFORCED);
    }
    return requested;
  }
}

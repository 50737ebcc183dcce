package io.driftzero.core.run;

import io.driftzero.core.AttestFlow;
import io.driftzero.core.DzException;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.oidc.IdTokenSource;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.report.CredentialSummary;
import io.driftzero.core.sign.SigningSetup;
import io.driftzero.core.tpm.TpmAnchorSource;
import io.driftzero.core.tpm.TpmMode;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The use case a CI plug-in runs where the job runs: attest this machine under a policy and, if asked,
 * exchange the accepted attestation for a credential. Everything is decided by the values passed in,
 * so a plug-in only collects them (from its configuration, credentials store and the agent's
 * environment) and reports what comes back.
 */
public final class AttestRun {
  private AttestRun() {}

  /**
   * One attestation's settings, as plain serialisable values.
   *
   * @param controlUrl dz-control's base URL
   * @param policy the policy to be judged under, e.g. {@code dz://policy/deploy-prod}
   * @param manifest the manifest file; a relative path is resolved against the job's directory
   * @param signing how to sign
   * @param tpm the TPM setting ({@link TpmMode#ALLOWED_FORMS}); null means none
   * @param actorId the actor to claim when no token proves one; null derives it from the environment
   */
  public record Settings(String controlUrl, String policy, String manifest, SigningSetup signing, String tpm,
      String actorId) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Settings {
      Objects.requireNonNull(signing, "signing");
    }
  }

  /** What an attestation produced: the report, and the session to ask for credentials on (a secret). */
  public record Attested(AttestSummary summary, String sessionToken) {
    @Override
    public String toString() {
      return "Attested[" + summary + ", sessionToken=" + (sessionToken == null ? null : "***") + "]";
    }
  }

  /** A credential decision and, when issued, the credential (a secret) with its type. */
  public record Credential(CredentialSummary summary, String token, String type) implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      return "Credential[" + summary + ", type=" + type + ", token=" + (token == null ? null : "***") + "]";
    }
  }

  /**
   * Nonce → measure → (TPM) → sign → attest.
   *
   * @param s the settings
   * @param env the job's environment on this machine
   * @param workDir the job's directory, against which a relative manifest path is resolved
   * @param probe reads this machine's files and tools
   * @param clock for token expiry checks
   * @param log progress lines (never secrets)
   */
  public static Attested attest(Settings s, Map<String, String> env, Path workDir, SystemProbe probe, Clock clock,
      Consumer<String> log) throws DzException {
    if (s.policy() == null || s.policy().isBlank()) {
      throw new DzException(DzException.Kind.BAD_INPUT, "no policy: name one, e.g. dz://policy/deploy-prod");
    }
    if (s.manifest() == null || s.manifest().isBlank()) {
      throw new DzException(DzException.Kind.BAD_INPUT, "no manifest: name the approved manifest file (YAML)");
    }
    DzClient client = DzClient.builder(s.controlUrl()).build();
    Manifest manifest = Manifest.load(workDir.resolve(s.manifest()));
    SigningSetup.Resolved signing = s.signing().resolve(env, clock);
    String actorId = signing.actorId().isPresent() ? signing.actorId().get() : Actors.fromEnvironment(s.actorId(), env);
    AttestFlow.Builder flow = AttestFlow.builder().client(client).manifest(manifest).signer(signing.signer())
        .actor(new Actor(IdTokenSource.PIPELINE, actorId)).policy(s.policy()).clock(clock)
        .measurer(new EnvironmentMeasurer(env, probe)).log(log);
    TpmMode tpm = TpmMode.parse(s.tpm() == null || s.tpm().isBlank() ? "none" : s.tpm());
    if (tpm.enabled()) {
      flow.hardwareAnchor(new TpmAnchorSource(tpm));
    }
    AttestFlow.Result r = flow.build().attest();
    return new Attested(AttestSummary.of(r, signing.instance()), r.response().sessionToken());
  }

  /** Asks for a credential on an accepted attestation's session. */
  public static Credential credential(String controlUrl, Attested attested, String scope, String target,
      int ttlSeconds) throws DzException {
    if (!attested.summary().accepted()) {
      throw new DzException(DzException.Kind.DENIED, attested.summary().denialMessage());
    }
    CredentialResponse r = AttestFlow.requestCredential(DzClient.builder(controlUrl).build(),
        attested.summary().attestationId(), attested.sessionToken(), scope, target, ttlSeconds);
    return new Credential(CredentialSummary.of(r), r.issued() ? r.credential().token() : null,
        r.issued() ? r.credential().type() : null);
  }
}

package io.jenkins.plugins.driftzero;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.model.EnvironmentContributingAction;
import hudson.model.Run;
import io.driftzero.core.model.Reason;
import io.driftzero.core.report.AttestSummary;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * One attestation's outcome kept with the build: shown on the build page ({@code summary.jelly}) and
 * exported to later steps as the non-secret {@code DRIFTZERO_*} variables. Holds no secret.
 *
 * <p>Stored as plain fields rather than the core's records: the build's {@code build.xml} is written
 * and read by XStream, which cannot set the final fields of a Java record.
 */
public class DriftZeroAction implements RunAction2, EnvironmentContributingAction {
  private final String attestationId;
  private final String result;
  private final List<ReasonEntry> reasons;
  private final String auditId;
  private final String expiresAt;
  private final String policy;
  private final Long rekorLogIndex;
  private final String rekorUuid;
  private final String rekorEntryUrl;
  private transient Run<?, ?> run;

  /** One reason, as stored in build.xml. */
  public static final class ReasonEntry {
    private final String code;
    private final String message;

    ReasonEntry(String code, String message) {
      this.code = code;
      this.message = message;
    }

    public String getCode() { return code; }

    public String getMessage() { return message; }
  }

  public DriftZeroAction(AttestSummary s) {
    this.attestationId = s.attestationId();
    this.result = s.result();
    this.reasons = new ArrayList<>();
    for (Reason r : s.reasons()) {
      reasons.add(new ReasonEntry(r.code(), r.message()));
    }
    this.auditId = s.auditId();
    this.expiresAt = s.expiresAt();
    this.policy = s.policy();
    this.rekorLogIndex = s.rekorLogIndex();
    this.rekorUuid = s.rekorUuid();
    this.rekorEntryUrl = s.rekorEntryUrl();
  }

  /** The core's summary again, so outputs and messages come from one place. */
  public AttestSummary getSummary() {
    List<Reason> rs = new ArrayList<>();
    if (reasons != null) {
      for (ReasonEntry e : reasons) {
        rs.add(new Reason(e.code, e.message));
      }
    }
    return new AttestSummary(attestationId, result, rs, auditId, expiresAt, policy, rekorLogIndex, rekorUuid,
        rekorEntryUrl);
  }

  // Accessors for summary.jelly.
  public String getResult() { return result; }

  public boolean isAccepted() { return getSummary().accepted(); }

  public String getPolicy() { return policy; }

  public String getAttestationId() { return attestationId; }

  public String getAuditId() { return auditId; }

  public List<ReasonEntry> getReasons() { return reasons == null ? List.of() : reasons; }

  public String getRekorUuid() { return rekorUuid; }

  public Long getRekorLogIndex() { return rekorLogIndex; }

  public String getRekorEntryUrl() { return rekorEntryUrl; }

  public Run<?, ?> getRun() { return run; }

  @Override
  public void buildEnvironment(@NonNull Run<?, ?> run, @NonNull EnvVars env) {
    // Actions apply in the order added, so the latest attestation of a build is what later steps see.
    env.putAll(getSummary().outputs());
  }

  @Override
  public void onAttached(Run<?, ?> r) {
    this.run = r;
  }

  @Override
  public void onLoad(Run<?, ?> r) {
    this.run = r;
  }

  // No sidebar link or page of its own: the build page summary says it all.
  @Override
  public String getIconFileName() {
    return null;
  }

  @Override
  public String getDisplayName() {
    return Messages.DriftZeroAction_displayName();
  }

  @Override
  public String getUrlName() {
    return null;
  }
}

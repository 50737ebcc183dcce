package io.jenkins.plugins.driftzero;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.model.EnvironmentContributingAction;
import hudson.model.Run;
import io.driftzero.core.model.Reason;
import io.driftzero.core.report.AttestSummary;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * One attestation's outcome kept with the build: shown on the build page ({@code summary.jelly}) and
 * exported to later steps as the non-secret {@code DRIFTZERO_*} variables. Holds no secret.
 */
public class DriftZeroAction implements RunAction2, EnvironmentContributingAction {
  private final AttestSummary summary;
  private transient Run<?, ?> run;

  public DriftZeroAction(AttestSummary summary) {
    this.summary = summary;
  }

  public AttestSummary getSummary() {
    return summary;
  }

  // Accessors for summary.jelly.
  public String getResult() { return summary.result(); }

  public boolean isAccepted() { return summary.accepted(); }

  public String getPolicy() { return summary.policy(); }

  public String getAttestationId() { return summary.attestationId(); }

  public String getAuditId() { return summary.auditId(); }

  public List<Reason> getReasons() { return summary.reasons(); }

  public String getRekorUuid() { return summary.rekorUuid(); }

  public Long getRekorLogIndex() { return summary.rekorLogIndex(); }

  public String getRekorEntryUrl() { return summary.rekorEntryUrl(); }

  public Run<?, ?> getRun() { return run; }

  @Override
  public void buildEnvironment(@NonNull Run<?, ?> run, @NonNull EnvVars env) {
    // Actions apply in the order added, so the latest attestation of a build is what later steps see.
    env.putAll(summary.outputs());
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

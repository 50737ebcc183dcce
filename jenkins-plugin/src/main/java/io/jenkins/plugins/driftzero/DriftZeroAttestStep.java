package io.jenkins.plugins.driftzero;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildStepDescriptor;
import hudson.tasks.Builder;
import hudson.util.FormValidation;
import io.driftzero.core.DzException;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.sign.SigningSetup;
import io.driftzero.core.tpm.TpmMode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import jenkins.tasks.SimpleBuildStep;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code driftzeroAttest}: attests the agent this build runs on under a policy, reports the decision
 * (console, build page, {@code DRIFTZERO_*} variables) and fails the build on a denial unless the
 * administrator lets jobs carry on.
 */
public class DriftZeroAttestStep extends Builder implements SimpleBuildStep {
  private final String policy;
  private final String manifest;
  private String tpm;
  private Boolean failOnDeny;
  private String sigstore;

  /**
   * @param policy e.g. {@code dz://policy/deploy-prod}; empty takes the global default
   * @param manifest the approved manifest, relative to the workspace; empty takes the global default
   */
  @DataBoundConstructor
  public DriftZeroAttestStep(String policy, String manifest) {
    this.policy = Util.fixEmptyAndTrim(policy);
    this.manifest = Util.fixEmptyAndTrim(manifest);
  }

  public @CheckForNull String getPolicy() { return policy; }

  public @CheckForNull String getManifest() { return manifest; }

  public @CheckForNull String getTpm() { return tpm; }

  /** TPM setting ({@code none}, {@code device}, {@code auto}, {@code swtpm:HOST:PORT}); empty takes the global default. */
  @DataBoundSetter public void setTpm(String tpm) { this.tpm = Util.fixEmptyAndTrim(tpm); }

  public @CheckForNull Boolean getFailOnDeny() { return failOnDeny; }

  /** May only tighten the global setting: false is refused when the administrator enforces it. */
  @DataBoundSetter public void setFailOnDeny(Boolean failOnDeny) { this.failOnDeny = failOnDeny; }

  public @CheckForNull String getSigstore() { return sigstore; }

  /** Overrides the global Sigstore mode; {@code off} is refused when Sigstore is required. */
  @DataBoundSetter public void setSigstore(String sigstore) { this.sigstore = Util.fixEmptyAndTrim(sigstore); }

  @Override
  public void perform(@NonNull Run<?, ?> run, @NonNull FilePath workspace, @NonNull EnvVars env,
      @NonNull Launcher launcher, @NonNull TaskListener listener) throws InterruptedException, IOException {
    boolean failBuild;
    try {
      failBuild = DriftZeroGlobalConfiguration.get().guardrails().failOnDeny(failOnDeny);
    } catch (DzException e) {
      throw new AbortException(e.getMessage());
    }
    BuildSettings.ForAgent forAgent = BuildSettings.resolve(run,
        new BuildSettings.Overrides(policy, manifest, tpm, sigstore));
    listener.getLogger().println(ConsoleReport.PREFIX + Messages.DriftZeroAttestStep_attesting(
        forAgent.settings().policy(), workspace.getRemote()));
    Map<String, String> agentEnv = new HashMap<>(env);
    agentEnv.putAll(forAgent.secretEnv());
    AgentAttestation.Outcome outcome = workspace.act(new AgentAttestation(forAgent.settings(), agentEnv,
        workspace.getRemote(), null, listener));
    AttestSummary s = outcome.attestation();
    ConsoleReport.print(listener, s);
    run.addAction(new DriftZeroAction(s));
    if (!s.accepted() && failBuild) {
      throw new DriftZeroDeniedException(s.denialMessage());
    }
  }

  @Symbol("driftzeroAttest")
  @Extension
  public static final class DescriptorImpl extends BuildStepDescriptor<hudson.tasks.Builder> {
    @Override
    public boolean isApplicable(Class<? extends AbstractProject> jobType) {
      return true;
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.DriftZeroAttestStep_displayName();
    }

    @POST
    public FormValidation doCheckPolicy(@AncestorInPath Item item, @QueryParameter String value) {
      Permissions.checkConfigure(item);
      if (Util.fixEmptyAndTrim(value) == null && DriftZeroGlobalConfiguration.get().getPolicy() == null) {
        return FormValidation.error(Messages.BuildSettings_noPolicy());
      }
      return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckTpm(@AncestorInPath Item item, @QueryParameter String value) {
      Permissions.checkConfigure(item);
      if (Util.fixEmptyAndTrim(value) == null) {
        return FormValidation.ok();
      }
      try {
        TpmMode.parse(value);
        return FormValidation.ok();
      } catch (DzException e) {
        return FormValidation.error(e.getMessage());
      }
    }

    @POST
    public FormValidation doCheckSigstore(@AncestorInPath Item item, @QueryParameter String value) {
      Permissions.checkConfigure(item);
      if (Util.fixEmptyAndTrim(value) == null) {
        return FormValidation.ok();
      }
      try {
        DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
        g.guardrails().signingMode(SigningSetup.Mode.parse(g.getSigstore()), SigningSetup.Mode.parse(value));
        return FormValidation.ok();
      } catch (DzException e) {
        return FormValidation.error(e.getMessage());
      }
    }
  }
}

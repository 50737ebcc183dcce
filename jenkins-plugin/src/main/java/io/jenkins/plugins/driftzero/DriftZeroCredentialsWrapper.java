package io.jenkins.plugins.driftzero;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.console.ConsoleLogFilter;
import hudson.model.AbstractBuild;
import hudson.model.AbstractProject;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildWrapperDescriptor;
import hudson.util.FormValidation;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.run.AttestRun;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code driftzeroCredentials(scope: …, target: …) { … }}: attests the agent, exchanges the accepted
 * attestation for a short-lived scoped credential and exposes it only inside the block, in
 * {@link #getVariable()}, masked in the log (with its Base64 forms).
 */
public class DriftZeroCredentialsWrapper extends SimpleBuildWrapper {
  static final String DEFAULT_VARIABLE = "DRIFTZERO_CREDENTIAL";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String scope;
  private final String target;
  private Integer ttlSeconds;
  private String variable = DEFAULT_VARIABLE;
  private String policy;
  private String manifest;
  private String tpm;
  private String sigstore;

  // The credential of this use of the wrapper, for createLoggerDecorator; never persisted.
  private transient List<String> secrets;

  @DataBoundConstructor
  public DriftZeroCredentialsWrapper(String scope, String target) {
    this.scope = Util.fixEmptyAndTrim(scope);
    this.target = Util.fixEmptyAndTrim(target);
  }

  public @CheckForNull String getScope() { return scope; }

  public @CheckForNull String getTarget() { return target; }

  public @CheckForNull Integer getTtlSeconds() { return ttlSeconds; }

  @DataBoundSetter public void setTtlSeconds(Integer ttlSeconds) { this.ttlSeconds = ttlSeconds; }

  public @NonNull String getVariable() { return variable == null ? DEFAULT_VARIABLE : variable; }

  @DataBoundSetter public void setVariable(String variable) {
    String v = Util.fixEmptyAndTrim(variable);
    this.variable = v == null ? DEFAULT_VARIABLE : v;
  }

  public @CheckForNull String getPolicy() { return policy; }

  @DataBoundSetter public void setPolicy(String policy) { this.policy = Util.fixEmptyAndTrim(policy); }

  public @CheckForNull String getManifest() { return manifest; }

  @DataBoundSetter public void setManifest(String manifest) { this.manifest = Util.fixEmptyAndTrim(manifest); }

  public @CheckForNull String getTpm() { return tpm; }

  @DataBoundSetter public void setTpm(String tpm) { this.tpm = Util.fixEmptyAndTrim(tpm); }

  public @CheckForNull String getSigstore() { return sigstore; }

  @DataBoundSetter public void setSigstore(String sigstore) { this.sigstore = Util.fixEmptyAndTrim(sigstore); }

  @Override
  public void setUp(Context context, Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener,
      EnvVars initialEnvironment) throws IOException, InterruptedException {
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    String s = BuildSettings.firstNonEmpty(scope, g.getScope());
    String t = BuildSettings.firstNonEmpty(target, g.getTarget());
    if (s == null || t == null) {
      throw new AbortException(Messages.DriftZeroCredentialsWrapper_scopeAndTarget());
    }
    String var = getVariable();
    if (!ENV_NAME.matcher(var).matches()) {
      throw new AbortException(Messages.DriftZeroCredentialsWrapper_badVariable(var));
    }
    int ttl = ttlSeconds != null ? ttlSeconds : g.getTtlSeconds();
    BuildSettings.ForAgent forAgent = BuildSettings.resolve(build,
        new BuildSettings.Overrides(policy, manifest, tpm, sigstore));
    listener.getLogger().println(ConsoleReport.PREFIX + Messages.DriftZeroCredentialsWrapper_requesting(
        forAgent.settings().policy(), s, t, ttl));
    Map<String, String> agentEnv = new HashMap<>(initialEnvironment);
    agentEnv.putAll(forAgent.secretEnv());
    AgentAttestation.Outcome outcome = workspace.act(new AgentAttestation(forAgent.settings(), agentEnv,
        workspace.getRemote(), new AgentAttestation.CredentialAsk(s, t, ttl), listener));
    AttestSummary a = outcome.attestation();
    ConsoleReport.print(listener, a);
    build.addAction(new DriftZeroAction(a));
    if (!a.accepted()) {
      // No credential without an accepted attestation, whatever failOnDeny says: the block needs one.
      throw new DriftZeroDeniedException(a.denialMessage());
    }
    AttestRun.Credential c = outcome.credential();
    ConsoleReport.print(listener, c.summary());
    if (!c.summary().issued()) {
      throw new DriftZeroDeniedException(c.summary().denialMessage());
    }
    if (build instanceof AbstractBuild) {
      // A freestyle project shares this wrapper instance between its builds: key the secret by build.
      MaskingLogFilter.register(build, List.of(c.token()));
      context.setDisposer(new Forget());
    } else {
      secrets = new ArrayList<>(List.of(c.token()));
    }
    context.env(var, c.token());
    context.env(var + "_EXPIRES_AT", c.summary().expiresAt());
    if (c.type() != null) {
      context.env(var + "_TYPE", c.type());
    }
  }

  @Override
  public ConsoleLogFilter createLoggerDecorator(@NonNull Run<?, ?> build) {
    Charset charset = build.getCharset();
    if (build instanceof AbstractBuild) {
      // Freestyle decorates the log before setUp runs: mask whatever setUp registers later.
      return MaskingLogFilter.lateBound(charset);
    }
    // Pipeline calls this right after setUp on a fresh wrapper instance, with the secret known.
    return secrets == null ? null : MaskingLogFilter.of(secrets, charset);
  }

  /** Drops a freestyle build's registered pattern when the wrapper's block ends. */
  private static final class Forget extends Disposer {
    private static final long serialVersionUID = 1L;

    @Override
    public void tearDown(Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener) {
      MaskingLogFilter.unregister(build);
    }
  }

  @Symbol("driftzeroCredentials")
  @Extension
  public static final class DescriptorImpl extends BuildWrapperDescriptor {
    @Override
    public boolean isApplicable(AbstractProject<?, ?> item) {
      return true;
    }

    @NonNull
    @Override
    public String getDisplayName() {
      return Messages.DriftZeroCredentialsWrapper_displayName();
    }

    @POST
    public FormValidation doCheckVariable(@AncestorInPath Item item, @QueryParameter String value) {
      Permissions.checkConfigure(item);
      String v = Util.fixEmptyAndTrim(value);
      return v == null || ENV_NAME.matcher(v).matches() ? FormValidation.ok()
          : FormValidation.error(Messages.DriftZeroCredentialsWrapper_badVariable(v));
    }

    @POST
    public FormValidation doCheckTtlSeconds(@AncestorInPath Item item, @QueryParameter String value) {
      Permissions.checkConfigure(item);
      String v = Util.fixEmptyAndTrim(value);
      if (v == null) {
        return FormValidation.ok();
      }
      try {
        return Integer.parseInt(v) > 0 ? FormValidation.ok()
            : FormValidation.error(Messages.DriftZeroGlobalConfiguration_ttlPositive());
      } catch (NumberFormatException e) {
        return FormValidation.error(Messages.DriftZeroGlobalConfiguration_ttlPositive());
      }
    }
  }
}

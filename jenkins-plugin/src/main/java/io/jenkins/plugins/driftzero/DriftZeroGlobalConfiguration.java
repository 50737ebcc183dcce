package io.jenkins.plugins.driftzero;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.Secret;
import io.driftzero.core.DzException;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.run.Guardrails;
import io.driftzero.core.sign.SigningSetup;
import io.driftzero.core.tpm.TpmMode;
import java.util.List;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Where dz-control is, how agents sign, and the defaults and guardrails every DriftZero step runs
 * under. Administrators own it (UI or JCasC {@code unclassified: driftzero:}); jobs can tighten the
 * guardrails ({@link #isRequireSigstore()}, {@link #isFailOnDeny()}) but never weaken them.
 */
@Extension
@Symbol("driftzero")
public class DriftZeroGlobalConfiguration extends GlobalConfiguration {
  static final int DEFAULT_TTL_SECONDS = 900;

  private String controlUrl;
  private String identityCredentialsId;
  private String audience = SigningSetup.DEFAULT_AUDIENCE;
  private String sigstore = SigningSetup.Mode.OFF.setting();
  private String trustedRoot;
  private String signingConfig;
  private String truststore;
  private Secret truststorePassword;
  private String agentKeyCredentialsId;
  private String policy;
  private String manifest;
  private String scope;
  private String target;
  private int ttlSeconds = DEFAULT_TTL_SECONDS;
  private String tpm = "none";
  private boolean requireSigstore;
  private boolean failOnDeny = true;

  public DriftZeroGlobalConfiguration() {
    load();
  }

  /** The one instance Jenkins holds. */
  public static @NonNull DriftZeroGlobalConfiguration get() {
    return ExtensionList.lookupSingleton(DriftZeroGlobalConfiguration.class);
  }

  /** The guardrails jobs run under. */
  public Guardrails guardrails() {
    return new Guardrails(requireSigstore, failOnDeny);
  }

  public @CheckForNull String getControlUrl() { return controlUrl; }

  @DataBoundSetter public void setControlUrl(String controlUrl) { this.controlUrl = Util.fixEmptyAndTrim(controlUrl); save(); }

  public @CheckForNull String getIdentityCredentialsId() { return identityCredentialsId; }

  @DataBoundSetter public void setIdentityCredentialsId(String id) { this.identityCredentialsId = Util.fixEmptyAndTrim(id); save(); }

  public @NonNull String getAudience() { return audience == null ? SigningSetup.DEFAULT_AUDIENCE : audience; }

  @DataBoundSetter public void setAudience(String audience) { this.audience = Util.fixEmptyAndTrim(audience); save(); }

  public @NonNull String getSigstore() { return sigstore == null ? SigningSetup.Mode.OFF.setting() : sigstore; }

  @DataBoundSetter public void setSigstore(String sigstore) { this.sigstore = Util.fixEmptyAndTrim(sigstore); save(); }

  public @CheckForNull String getTrustedRoot() { return trustedRoot; }

  @DataBoundSetter public void setTrustedRoot(String trustedRoot) { this.trustedRoot = Util.fixEmptyAndTrim(trustedRoot); save(); }

  public @CheckForNull String getSigningConfig() { return signingConfig; }

  @DataBoundSetter public void setSigningConfig(String signingConfig) { this.signingConfig = Util.fixEmptyAndTrim(signingConfig); save(); }

  public @CheckForNull String getTruststore() { return truststore; }

  @DataBoundSetter public void setTruststore(String truststore) { this.truststore = Util.fixEmptyAndTrim(truststore); save(); }

  public @CheckForNull Secret getTruststorePassword() { return truststorePassword; }

  @DataBoundSetter public void setTruststorePassword(Secret truststorePassword) { this.truststorePassword = truststorePassword; save(); }

  public @CheckForNull String getAgentKeyCredentialsId() { return agentKeyCredentialsId; }

  @DataBoundSetter public void setAgentKeyCredentialsId(String id) { this.agentKeyCredentialsId = Util.fixEmptyAndTrim(id); save(); }

  public @CheckForNull String getPolicy() { return policy; }

  @DataBoundSetter public void setPolicy(String policy) { this.policy = Util.fixEmptyAndTrim(policy); save(); }

  public @CheckForNull String getManifest() { return manifest; }

  @DataBoundSetter public void setManifest(String manifest) { this.manifest = Util.fixEmptyAndTrim(manifest); save(); }

  public @CheckForNull String getScope() { return scope; }

  @DataBoundSetter public void setScope(String scope) { this.scope = Util.fixEmptyAndTrim(scope); save(); }

  public @CheckForNull String getTarget() { return target; }

  @DataBoundSetter public void setTarget(String target) { this.target = Util.fixEmptyAndTrim(target); save(); }

  public int getTtlSeconds() { return ttlSeconds; }

  @DataBoundSetter public void setTtlSeconds(int ttlSeconds) { this.ttlSeconds = ttlSeconds; save(); }

  public @NonNull String getTpm() { return tpm == null ? "none" : tpm; }

  @DataBoundSetter public void setTpm(String tpm) { this.tpm = Util.fixEmptyAndTrim(tpm); save(); }

  public boolean isRequireSigstore() { return requireSigstore; }

  @DataBoundSetter public void setRequireSigstore(boolean requireSigstore) { this.requireSigstore = requireSigstore; save(); }

  public boolean isFailOnDeny() { return failOnDeny; }

  @DataBoundSetter public void setFailOnDeny(boolean failOnDeny) { this.failOnDeny = failOnDeny; save(); }

  // --- form validation: administrators only, POST only (the checks parse input, some touch files) ---

  @POST
  public FormValidation doCheckControlUrl(@QueryParameter String value) {
    Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    if (Util.fixEmptyAndTrim(value) == null) {
      return FormValidation.error(Messages.DriftZeroGlobalConfiguration_controlUrlRequired());
    }
    return validate(() -> DzClient.builder(value.trim()));
  }

  @POST
  public FormValidation doCheckSigstore(@QueryParameter String value, @QueryParameter boolean requireSigstore) {
    Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    return validate(() -> new Guardrails(requireSigstore, true).signingMode(SigningSetup.Mode.parse(value), null));
  }

  @POST
  public FormValidation doCheckTpm(@QueryParameter String value) {
    Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    return Util.fixEmptyAndTrim(value) == null ? FormValidation.ok() : validate(() -> TpmMode.parse(value));
  }

  @POST
  public FormValidation doCheckTtlSeconds(@QueryParameter int value) {
    Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    return value > 0 ? FormValidation.ok() : FormValidation.error(Messages.DriftZeroGlobalConfiguration_ttlPositive());
  }

  @POST
  public ListBoxModel doFillIdentityCredentialsIdItems(@QueryParameter String identityCredentialsId) {
    return credentialItems(identityCredentialsId);
  }

  @POST
  public ListBoxModel doFillAgentKeyCredentialsIdItems(@QueryParameter String agentKeyCredentialsId) {
    return credentialItems(agentKeyCredentialsId);
  }

  public ListBoxModel doFillSigstoreItems() {
    ListBoxModel m = new ListBoxModel();
    for (SigningSetup.Mode mode : SigningSetup.Mode.values()) {
      m.add(mode.setting());
    }
    return m;
  }

  /** Secret text or secret file credentials: an oidc-provider ID token, or a PEM agent key. */
  private static ListBoxModel credentialItems(String current) {
    if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
      return new StandardListBoxModel().includeCurrentValue(current);
    }
    return new StandardListBoxModel().includeEmptyValue()
        .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, List.of(),
            CredentialsMatchers.anyOf(CredentialsMatchers.instanceOf(StringCredentials.class),
                CredentialsMatchers.instanceOf(FileCredentials.class)))
        .includeCurrentValue(current);
  }

  private interface Check {
    Object run() throws DzException;
  }

  // The core validates where it parses; the form shows the core's message verbatim.
  private static FormValidation validate(Check check) {
    try {
      check.run();
      return FormValidation.ok();
    } catch (DzException e) {
      return FormValidation.error(e.getMessage());
    }
  }
}

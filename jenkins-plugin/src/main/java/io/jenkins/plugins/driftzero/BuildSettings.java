package io.jenkins.plugins.driftzero;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import io.driftzero.core.DzException;
import io.driftzero.core.oidc.JenkinsIdTokenSource;
import io.driftzero.core.run.AttestRun;
import io.driftzero.core.sign.SigningSetup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Collects, on the controller, what the agent needs: the global configuration with a job's overrides
 * (under the core's {@link io.driftzero.core.run.Guardrails}) and the secrets only the controller can
 * read from the credentials store. Decides nothing itself.
 */
final class BuildSettings {
  private BuildSettings() {}

  /** What the agent receives: the settings and the extra environment (the ID token, a secret). */
  record ForAgent(AttestRun.Settings settings, Map<String, String> secretEnv) {
    @Override
    public String toString() {
      return "ForAgent[" + settings + ", secretEnv=" + secretEnv.keySet() + "]";
    }
  }

  /** A job's optional overrides; null means "take the global value". */
  record Overrides(String policy, String manifest, String tpm, String sigstore) {}

  static ForAgent resolve(Run<?, ?> run, Overrides o) throws IOException {
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    if (g.getControlUrl() == null) {
      throw new AbortException(Messages.BuildSettings_noControlUrl());
    }
    SigningSetup.Mode mode;
    try {
      mode = g.guardrails().signingMode(SigningSetup.Mode.parse(g.getSigstore()),
          o.sigstore() == null ? null : SigningSetup.Mode.parse(o.sigstore()));
    } catch (DzException e) {
      throw new AbortException(e.getMessage());
    }
    Map<String, String> secretEnv = new HashMap<>();
    String tokenCredential = g.getIdentityCredentialsId();
    if (tokenCredential != null) {
      // Resolved against the run: oidc-provider mints the token for this build (sub = JOB_URL).
      secretEnv.put(JenkinsIdTokenSource.TOKEN_VAR, secretText(run, tokenCredential));
    }
    SigningSetup signing;
    if (mode.keyless()) {
      signing = SigningSetup.keyless(mode, "jenkins", g.getAudience());
      if (mode == SigningSetup.Mode.CUSTOM) {
        signing = signing.withCustomInstance(g.getTrustedRoot(), g.getSigningConfig(), g.getTruststore(),
            g.getTruststorePassword() == null ? null : g.getTruststorePassword().getPlainText());
      }
    } else {
      String keyId = g.getAgentKeyCredentialsId();
      signing = keyId == null
          ? SigningSetup.keyFile(null) // the agent's DZ_AGENT_KEY, if its administrator set one
          : SigningSetup.keyPem(secretText(run, keyId), "Jenkins credential '" + keyId + "'");
      if (tokenCredential != null) {
        // With a token at hand the actor is proven by it, not read from JOB_URL.
        signing = signing.withIdentity("jenkins");
      }
    }
    String policy = firstNonEmpty(o.policy(), g.getPolicy());
    String manifest = firstNonEmpty(o.manifest(), g.getManifest());
    if (policy == null) {
      throw new AbortException(Messages.BuildSettings_noPolicy());
    }
    if (manifest == null) {
      throw new AbortException(Messages.BuildSettings_noManifest());
    }
    return new ForAgent(new AttestRun.Settings(g.getControlUrl(), policy, manifest, signing,
        firstNonEmpty(o.tpm(), g.getTpm()), null), secretEnv);
  }

  /** The content of a secret text or secret file credential, looked up for this run. */
  private static String secretText(Run<?, ?> run, String id) throws IOException {
    StandardCredentials c = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
    if (c == null) {
      throw new AbortException(Messages.BuildSettings_credentialNotFound(id));
    }
    CredentialsProvider.track(run, c);
    if (c instanceof StringCredentials s) {
      return s.getSecret().getPlainText();
    }
    if (c instanceof FileCredentials f) {
      try (InputStream in = f.getContent()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
    }
    throw new AbortException(Messages.BuildSettings_credentialWrongType(id));
  }

  static @CheckForNull String firstNonEmpty(String a, String b) {
    String x = Util.fixEmptyAndTrim(a);
    return x != null ? x : Util.fixEmptyAndTrim(b);
  }
}

package io.jenkins.plugins.driftzero;

import hudson.AbortException;
import hudson.model.TaskListener;
import io.driftzero.core.DzException;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.report.AttestSummary;
import io.driftzero.core.run.AttestRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import jenkins.security.MasterToSlaveCallable;

/**
 * Runs the core's {@link AttestRun} on the build agent: the machine whose environment, files and TPM
 * are measured and quoted is the one the build runs on, not the controller.
 */
final class AgentAttestation extends MasterToSlaveCallable<AgentAttestation.Outcome, IOException> {
  private static final long serialVersionUID = 1L;

  /** Credential request, when the caller needs power as well as a decision. */
  record CredentialAsk(String scope, String target, int ttlSeconds) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** What comes back to the controller. {@code credential} holds the token: never log it. */
  record Outcome(AttestSummary attestation, AttestRun.Credential credential) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final AttestRun.Settings settings;
  private final Map<String, String> buildEnv;
  private final String workspace;
  private final CredentialAsk ask;
  private final TaskListener listener;

  /**
   * @param buildEnv the build's environment (JENKINS_URL, JOB_URL, BUILD_NUMBER, … plus the ID token)
   * @param workspace the workspace path on the agent; a relative manifest path resolves against it
   * @param ask null to attest only
   */
  AgentAttestation(AttestRun.Settings settings, Map<String, String> buildEnv, String workspace, CredentialAsk ask,
      TaskListener listener) {
    this.settings = settings;
    this.buildEnv = new HashMap<>(buildEnv);
    this.workspace = workspace;
    this.ask = ask;
    this.listener = listener;
  }

  @Override
  public Outcome call() throws IOException {
    // The agent's own environment underneath, the build's on top: what a build step's process sees.
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(buildEnv);
    PrintStream log = listener.getLogger();
    try {
      AttestRun.Attested attested = AttestRun.attest(settings, env, Path.of(workspace), SystemProbe.local(),
          Clock.systemUTC(), line -> log.println("[DriftZero]   " + line));
      AttestRun.Credential credential = ask == null || !attested.summary().accepted() ? null
          : AttestRun.credential(settings.controlUrl(), attested, ask.scope(), ask.target(), ask.ttlSeconds());
      return new Outcome(attested.summary(), credential);
    } catch (DzException e) {
      // The core's messages say what failed and what to do; a stack trace would add nothing.
      throw new AbortException("DriftZero: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "AgentAttestation[" + settings + ", env=" + buildEnv.keySet() + "]";
  }
}

package io.jenkins.plugins.driftzero;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.FilePath;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import hudson.tasks.Shell;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.BuildWatcherExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class DriftZeroCredentialsWrapperTest {
  @RegisterExtension
  private static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

  private JenkinsRule r;
  private DzStack dz;
  private DumbSlave agent;

  @BeforeEach
  void start(JenkinsRule rule) throws Exception {
    r = rule;
    dz = DzStack.start(r);
    dz.configureKeyless(r);
    agent = r.createOnlineSlave(Label.get("agent"));
  }

  @AfterEach
  void stop() throws Exception {
    dz.close();
  }

  @Test
  void configRoundtrip() throws Exception {
    FreeStyleProject p = r.createFreeStyleProject();
    DriftZeroCredentialsWrapper w = new DriftZeroCredentialsWrapper("deploy", "prod");
    w.setTtlSeconds(300);
    w.setVariable("DEPLOY_TOKEN");
    w.setPolicy(DzStack.POLICY);
    w.setManifest("manifests/build.yaml");
    p.getBuildWrappersList().add(w);
    p = r.configRoundtrip(p);
    r.assertEqualDataBoundBeans(w, p.getBuildWrappersList().get(DriftZeroCredentialsWrapper.class));
  }

  /** The token the block saw, read back from the agent's workspace (never from the log). */
  private static String token(FilePath workspace) throws Exception {
    return workspace.child("cred.txt").readToString().trim();
  }

  private void assertMasked(String token, hudson.model.Run<?, ?> b) throws Exception {
    assertTrue(token.length() > 20, "a JWT");
    r.assertLogNotContains(token, b);
    r.assertLogNotContains(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)), b);
    r.assertLogContains("token=****", b);
  }

  @Test
  void scriptedPipelineBindsTheCredentialOnlyInsideTheBlockAndMasksIt() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "scripted");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroCredentials(scope: 'deploy', target: 'prod', ttlSeconds: 300) {\n"
        + "    sh 'echo token=$DRIFTZERO_CREDENTIAL; printf %s \"$DRIFTZERO_CREDENTIAL\" | base64 -w0; echo'\n"
        + "    sh 'printf %s \"$DRIFTZERO_CREDENTIAL\" > cred.txt'\n"
        + "  }\n"
        + "  sh 'echo after=${DRIFTZERO_CREDENTIAL:-unset}'\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertSuccess(p);
    DriftZeroAction a = b.getAction(DriftZeroAction.class);
    r.assertLogContains(a.getRekorUuid(), b);
    r.assertLogContains("credential result: ISSUED", b);
    r.assertLogContains("after=unset", b);
    assertMasked(token(agent.getWorkspaceFor(p)), b);
  }

  @Test
  void declarativePipelineWithDefaultsFromTheGlobalConfiguration() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "declarative");
    p.setDefinition(new CpsFlowDefinition("pipeline {\n"
        + "  agent { label 'agent' }\n"
        + "  stages {\n"
        + "    stage('deploy') {\n"
        + "      steps {\n"
        + "        driftzeroCredentials(scope: '', target: '', variable: 'DEPLOY_TOKEN') {\n"
        + "          sh 'echo token=$DEPLOY_TOKEN; printf %s \"$DEPLOY_TOKEN\" > cred.txt'\n"
        + "        }\n"
        + "      }\n"
        + "    }\n"
        + "  }\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertSuccess(p);
    assertMasked(token(agent.getWorkspaceFor(p)), b);
  }

  @Test
  void freestyleMasksTheCredentialInTheWholeBuildLog() throws Exception {
    FreeStyleProject p = r.createFreeStyleProject("freestyle");
    p.setAssignedLabel(Label.get("agent"));
    p.getBuildWrappersList().add(new DriftZeroCredentialsWrapper("deploy", "prod"));
    p.getBuildersList().add(new Shell("echo token=$DRIFTZERO_CREDENTIAL\n"
        + "printf %s \"$DRIFTZERO_CREDENTIAL\" | base64 -w0; echo\n"
        + "printf %s \"$DRIFTZERO_CREDENTIAL\" > cred.txt"));
    FreeStyleBuild b = r.buildAndAssertSuccess(p);
    assertMasked(token(b.getWorkspace()), b);
  }

  @Test
  void aCredentialOutsidePolicyFailsTheStepAndNothingIsBound() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "too-long");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroCredentials(scope: 'deploy', target: 'prod', ttlSeconds: 3600) {\n"
        + "    echo 'inside the block'\n"
        + "  }\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
    r.assertLogContains("credential result: DENIED", b);
    r.assertLogContains("DriftZero denied the credential", b);
    r.assertLogNotContains("inside the block", b);
  }

  @Test
  void aDeniedAttestationNeverAsksForACredential() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "denied");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroCredentials(scope: 'deploy', target: 'prod', manifest: '" + dz.deniedManifest + "') {\n"
        + "    echo 'inside the block'\n"
        + "  }\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
    r.assertLogContains("MEASUREMENT_MISMATCH", b);
    r.assertLogNotContains("credential result", b);
    assertFalse(b.getAction(DriftZeroAction.class).isAccepted());
  }
}

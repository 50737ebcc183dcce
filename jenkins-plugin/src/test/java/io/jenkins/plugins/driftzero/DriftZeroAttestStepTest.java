package io.jenkins.plugins.driftzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.driftzero.core.run.Guardrails;
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
class DriftZeroAttestStepTest {
  @RegisterExtension
  private static final BuildWatcherExtension BUILD_WATCHER = new BuildWatcherExtension();

  private JenkinsRule r;
  private DzStack dz;

  @BeforeEach
  void start(JenkinsRule rule) throws Exception {
    r = rule;
    dz = DzStack.start(r);
    dz.configureKeyless(r);
    // Attestation happens on the agent: a separate JVM, its own environment.
    r.createOnlineSlave(Label.get("agent"));
  }

  @AfterEach
  void stop() throws Exception {
    dz.close();
  }

  @Test
  void configRoundtrip() throws Exception {
    FreeStyleProject p = r.createFreeStyleProject();
    DriftZeroAttestStep step = new DriftZeroAttestStep("dz://policy/other", "manifests/build.yaml");
    step.setTpm("device");
    step.setSigstore("staging");
    p.getBuildersList().add(step);
    p = r.configRoundtrip(p);
    r.assertEqualDataBoundBeans(step, p.getBuildersList().get(DriftZeroAttestStep.class));
  }

  @Test
  void freestyleBuildOnAnAgentIsAcceptedAndLogsTheRekorEntry() throws Exception {
    FreeStyleProject p = r.createFreeStyleProject("deploy");
    p.setAssignedLabel(Label.get("agent"));
    p.getBuildersList().add(new DriftZeroAttestStep(DzStack.POLICY, dz.manifest.toString()));
    p.getBuildersList().add(new Shell("echo \"outputs: $DRIFTZERO_RESULT $DRIFTZERO_REKOR_UUID\""));
    FreeStyleBuild b = r.buildAndAssertSuccess(p);
    DriftZeroAction a = b.getAction(DriftZeroAction.class);
    assertNotNull(a);
    assertEquals("ACCEPTED", a.getResult());
    assertNotNull(a.getRekorUuid());
    r.assertLogContains(a.getRekorUuid(), b);
    r.assertLogContains("audit_id: " + a.getAuditId(), b);
    r.assertLogContains("outputs: ACCEPTED " + a.getRekorUuid(), b);
    // The action survives build.xml (XStream) and keeps exporting the outputs.
    b.reload();
    DriftZeroAction reloaded = b.getAction(DriftZeroAction.class);
    assertEquals(a.getRekorUuid(), reloaded.getRekorUuid());
    assertEquals(a.getSummary(), reloaded.getSummary());
  }

  @Test
  void scriptedPipeline() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "scripted");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroAttest policy: '" + DzStack.POLICY + "', manifest: '" + dz.manifest + "'\n"
        + "  echo \"result=${env.DRIFTZERO_RESULT} audit=${env.DRIFTZERO_AUDIT_ID}\"\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertSuccess(p);
    DriftZeroAction a = b.getAction(DriftZeroAction.class);
    r.assertLogContains(a.getRekorUuid(), b);
    r.assertLogContains("result=ACCEPTED audit=" + a.getAuditId(), b);
  }

  @Test
  void declarativePipelineTakesPolicyAndManifestFromTheGlobalDefaults() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "declarative");
    p.setDefinition(new CpsFlowDefinition("pipeline {\n"
        + "  agent { label 'agent' }\n"
        + "  stages {\n"
        + "    stage('attest') { steps { driftzeroAttest(policy: '', manifest: '') } }\n"
        + "  }\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertSuccess(p);
    r.assertLogContains("result: ACCEPTED", b);
    r.assertLogContains(b.getAction(DriftZeroAction.class).getRekorUuid(), b);
  }

  @Test
  void aDenialFailsTheBuildWithEveryReason() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "denied");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroAttest policy: '" + DzStack.POLICY + "', manifest: '" + dz.deniedManifest + "'\n"
        + "  echo 'not reached'\n"
        + "}", true));
    WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
    r.assertLogContains("result: DENIED", b);
    r.assertLogContains("MEASUREMENT_MISMATCH", b);
    r.assertLogContains("DriftZero denied the attestation under " + DzStack.POLICY, b);
    r.assertLogNotContains("not reached", b);
    assertEquals("DENIED", b.getAction(DriftZeroAction.class).getResult());
  }

  @Test
  void jobsCannotWeakenTheEnforcedGuardrails() throws Exception {
    WorkflowJob p = r.createProject(WorkflowJob.class, "weaker");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroAttest policy: '" + DzStack.POLICY + "', manifest: '" + dz.deniedManifest + "', failOnDeny: false\n"
        + "}", true));
    r.assertLogContains(Guardrails.FAIL_ON_DENY_ENFORCED, r.buildAndAssertStatus(Result.FAILURE, p));
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroAttest policy: '" + DzStack.POLICY + "', manifest: '" + dz.manifest + "', sigstore: 'off'\n"
        + "}", true));
    r.assertLogContains(Guardrails.SIGSTORE_REQUIRED, r.buildAndAssertStatus(Result.FAILURE, p));
  }

  @Test
  void whenTheAdministratorAllowsItADeniedBuildGoesOnAndSeesTheResult() throws Exception {
    DriftZeroGlobalConfiguration.get().setFailOnDeny(false);
    WorkflowJob p = r.createProject(WorkflowJob.class, "lenient");
    p.setDefinition(new CpsFlowDefinition("node('agent') {\n"
        + "  driftzeroAttest policy: '" + DzStack.POLICY + "', manifest: '" + dz.deniedManifest + "'\n"
        + "  echo \"carried on: ${env.DRIFTZERO_RESULT}\"\n"
        + "}", true));
    r.assertLogContains("carried on: DENIED", r.buildAndAssertSuccess(p));
  }
}

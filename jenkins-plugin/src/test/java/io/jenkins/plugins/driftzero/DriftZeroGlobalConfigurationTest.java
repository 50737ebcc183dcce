package io.jenkins.plugins.driftzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.util.Secret;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class DriftZeroGlobalConfigurationTest {
  @Test
  void defaultsAreStrictWhereItMatters(JenkinsRule r) {
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    assertTrue(g.isFailOnDeny());
    assertEquals("off", g.getSigstore());
    assertEquals("sigstore", g.getAudience());
    assertEquals("none", g.getTpm());
    assertEquals(900, g.getTtlSeconds());
  }

  @Test
  void configRoundtripKeepsEveryField(JenkinsRule r) throws Exception {
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    g.setControlUrl("https://dz-control.example.com");
    g.setAudience("sigstore");
    g.setSigstore("custom");
    g.setTrustedRoot("/etc/driftzero/trusted_root.json");
    g.setSigningConfig("/etc/driftzero/signing_config.json");
    g.setTruststore("/etc/driftzero/fulcio-ca.p12");
    g.setTruststorePassword(Secret.fromString("changeit"));
    g.setRequireSigstore(true);
    g.setFailOnDeny(true);
    g.setPolicy("dz://policy/deploy-prod");
    g.setManifest("manifests/build.yaml");
    g.setScope("deploy");
    g.setTarget("aws-prod-account-1234");
    g.setTtlSeconds(600);
    g.setTpm("device");
    r.configRoundtrip();
    g = DriftZeroGlobalConfiguration.get();
    assertEquals("https://dz-control.example.com", g.getControlUrl());
    assertEquals("custom", g.getSigstore());
    assertEquals("/etc/driftzero/trusted_root.json", g.getTrustedRoot());
    assertEquals("/etc/driftzero/signing_config.json", g.getSigningConfig());
    assertEquals("/etc/driftzero/fulcio-ca.p12", g.getTruststore());
    assertEquals("changeit", g.getTruststorePassword().getPlainText());
    assertTrue(g.isRequireSigstore());
    assertTrue(g.isFailOnDeny());
    assertEquals("dz://policy/deploy-prod", g.getPolicy());
    assertEquals("manifests/build.yaml", g.getManifest());
    assertEquals("deploy", g.getScope());
    assertEquals("aws-prod-account-1234", g.getTarget());
    assertEquals(600, g.getTtlSeconds());
    assertEquals("device", g.getTpm());
  }

  @Test
  void formChecksUseTheCoresMessages(JenkinsRule r) {
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    assertEquals(hudson.util.FormValidation.Kind.ERROR, g.doCheckSigstore("off", true).kind);
    assertEquals(hudson.util.FormValidation.Kind.OK, g.doCheckSigstore("custom", true).kind);
    assertEquals(hudson.util.FormValidation.Kind.ERROR, g.doCheckTpm("swtpm:nohost").kind);
    assertEquals(hudson.util.FormValidation.Kind.ERROR, g.doCheckControlUrl("").kind);
    assertFalse(g.doCheckSigstore("fulcio", false).renderHtml().isEmpty());
  }
}

package io.jenkins.plugins.driftzero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import org.junit.jupiter.api.Test;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {
  @Test
  @ConfiguredWithCode("configuration-as-code.yml")
  void administratorsConfigureDriftZeroAsCode(JenkinsConfiguredWithCodeRule r) {
    DriftZeroGlobalConfiguration g = DriftZeroGlobalConfiguration.get();
    assertEquals("https://dz-control.example.com", g.getControlUrl());
    assertEquals("dz-id-token", g.getIdentityCredentialsId());
    assertEquals("sigstore", g.getAudience());
    assertEquals("custom", g.getSigstore());
    assertEquals("/etc/driftzero/trusted_root.json", g.getTrustedRoot());
    assertEquals("/etc/driftzero/signing_config.json", g.getSigningConfig());
    assertTrue(g.isRequireSigstore());
    assertTrue(g.isFailOnDeny());
    assertEquals("dz://policy/deploy-prod", g.getPolicy());
    assertEquals("manifests/build.yaml", g.getManifest());
    assertEquals("deploy", g.getScope());
    assertEquals("aws-prod-account-1234", g.getTarget());
    assertEquals(600, g.getTtlSeconds());
    assertEquals("device", g.getTpm());
  }
}

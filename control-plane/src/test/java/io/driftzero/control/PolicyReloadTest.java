package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.verify.Reasons;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file is re-read on change: a reload revokes, an invalid edit keeps the old policy. */
class PolicyReloadTest {
  @TempDir Path dir;
  TestStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = TestStack.start(dir);
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  /** Writes the file with a distinct mtime and lets the store's check interval pass on its clock. */
  private void rewritePolicy(String yaml) throws Exception {
    FileTime before = Files.getLastModifiedTime(stack.policyFile);
    Files.writeString(stack.policyFile, yaml);
    Files.setLastModifiedTime(stack.policyFile, FileTime.fromMillis(before.toMillis() + 5_000));
    stack.clock.advance(Duration.ofSeconds(3));
  }

  @Test
  void reloadThatDropsTheManifestDeniesCredentialsOnAnEarlierSession() throws Exception {
    AttestResponse a = stack.accepted();
    rewritePolicy(stack.policyYaml(false));
    CredentialResponse c = stack.client.credentials(
        new CredentialRequest(a.attestationId(), TestStack.SCOPE, TestStack.TARGET, 60), a.sessionToken());
    assertEquals("DENIED", c.result());
    assertEquals(Set.of(Reasons.MANIFEST_NOT_ALLOWED), TestStack.codes(c.reasons()));
    stack.assertSignedEvent(c.auditId(), AuditEvent.CREDENTIAL_ISSUE, "DENIED", Set.of(Reasons.MANIFEST_NOT_ALLOWED));
    assertEquals(0, stack.credentialRows(a.attestationId()));
  }

  @Test
  void invalidEditKeepsThePreviousPolicyInForce() throws Exception {
    String good = Files.readString(stack.policyFile);
    rewritePolicy(good.replace("max_ttl_seconds: 900", "max_ttl_seconds: -5"));
    AttestResponse a = stack.accepted();
    String error = stack.cp.policies().lastError();
    assertNotNull(error, "the rejected edit is remembered");
    assertTrue(error.contains("policy.yaml:") && error.contains("max_ttl_seconds"), error);
    CredentialResponse c = stack.client.credentials(
        new CredentialRequest(a.attestationId(), TestStack.SCOPE, TestStack.TARGET, 900), a.sessionToken());
    assertEquals("ISSUED", c.result(), () -> "old policy (max 900) still in force: " + c.reasons());

    rewritePolicy(good.replace("max_ttl_seconds: 900", "max_ttl_seconds: 300"));
    AttestResponse b = stack.accepted();
    assertNull(stack.cp.policies().lastError());
    CredentialResponse d = stack.client.credentials(
        new CredentialRequest(b.attestationId(), TestStack.SCOPE, TestStack.TARGET, 900), b.sessionToken());
    assertEquals(Set.of(Reasons.TTL_EXCEEDS_MAX), TestStack.codes(d.reasons()), "the valid edit took effect");
  }

  @Test
  void reloadThatRemovesThePolicyDeniesWithPolicyUnknown() throws Exception {
    AttestResponse a = stack.accepted();
    String y = stack.policyYaml(true);
    rewritePolicy(y.replace("id: " + TestStack.POLICY + "\n", "id: dz://policy/renamed\n"));
    CredentialResponse c = stack.client.credentials(
        new CredentialRequest(a.attestationId(), TestStack.SCOPE, TestStack.TARGET, 60), a.sessionToken());
    assertEquals(Set.of(Reasons.POLICY_UNKNOWN), TestStack.codes(c.reasons()));
    stack.assertSignedEvent(c.auditId(), AuditEvent.CREDENTIAL_ISSUE, "DENIED", Set.of(Reasons.POLICY_UNKNOWN));
  }
}

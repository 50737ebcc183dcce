package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.store.Database;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.CredentialRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone with write access to the database edits one stored event: an external verifier, trusting
 * only the JWKS, names exactly that event. Edits go through a second JDBC connection on the same
 * H2 file while the server runs, as an intruder's would.
 */
class AuditTamperTest {
  @TempDir Path dir;
  TestStack stack;
  List<AuditEvent> chain;

  @BeforeEach
  void start() throws Exception {
    stack = TestStack.start(dir);
    AttestResponse a = stack.accepted();
    stack.client.credentials(new CredentialRequest(a.attestationId(), "deploy", "not-allowed", 60), a.sessionToken());
    stack.client.credentials(new CredentialRequest(a.attestationId(), "deploy", TestStack.TARGET, 60), a.sessionToken());
    chain = stack.client.allAuditEvents(Map.of());
    assertEquals(3, chain.size());
    assertTrue(verify().ok());
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  private AuditVerifier.Report verify() throws Exception {
    return new AuditVerifier(stack.client.jwks()).verifyChain(stack.client.allAuditEvents(Map.of()));
  }

  private Connection intruder() throws Exception {
    // AUTO_SERVER is not on; H2 allows a second connection in the same JVM on the same file URL.
    return DriverManager.getConnection(Database.embeddedUrl(dir.resolve("data")));
  }

  private void edit(long seq, String from, String to) throws Exception {
    try (Connection c = intruder()) {
      String json;
      try (PreparedStatement ps = c.prepareStatement("SELECT event_json FROM audit_events WHERE seq = ?")) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          json = rs.getString(1);
        }
      }
      assertTrue(json.contains(from), json);
      try (PreparedStatement ps = c.prepareStatement("UPDATE audit_events SET event_json = ? WHERE seq = ?")) {
        ps.setString(1, json.replace(from, to));
        ps.setLong(2, seq);
        assertEquals(1, ps.executeUpdate());
      }
    }
  }

  @Test
  void deniedTurnedIntoIssuedIsNamed() throws Exception {
    AuditEvent victim = chain.get(1);
    assertEquals("DENIED", victim.result());
    edit(2, "\"result\":\"DENIED\"", "\"result\":\"ISSUED\"");
    assertEquals("ISSUED", stack.client.auditEvent(victim.auditId()).result(), "the server serves the edited row");
    AuditVerifier.Report r = verify();
    assertFalse(r.ok());
    assertEquals(2L, r.brokenSeq());
    assertEquals(victim.auditId(), r.brokenAuditId());
    assertTrue(r.summary().contains("seq 2") && r.summary().contains(victim.auditId()), r.summary());
    assertTrue(r.problem().contains("control_plane_signature"), r.problem());
  }

  @Test
  void editedTtlInTheLastEventIsNamed() throws Exception {
    AuditEvent victim = chain.get(2);
    edit(3, "\"ttl_seconds\":60", "\"ttl_seconds\":86400");
    AuditVerifier.Report r = verify();
    assertEquals(3L, r.brokenSeq());
    assertEquals(victim.auditId(), r.brokenAuditId());
  }

  @Test
  void deletedEventIsNamedAtTheGap() throws Exception {
    try (Connection c = intruder(); PreparedStatement ps = c.prepareStatement("DELETE FROM audit_events WHERE seq = 2")) {
      assertEquals(1, ps.executeUpdate());
    }
    AuditVerifier.Report r = verify();
    assertFalse(r.ok());
    assertEquals(3L, r.brokenSeq());
    assertEquals(chain.get(2).auditId(), r.brokenAuditId());
  }

  @Test
  void resignedWithAForeignKeyIsRejected() throws Exception {
    // Replacing the kid by another published kid (the credential key) does not make a forgery pass.
    AuditEvent victim = chain.get(0);
    String credentialKid = stack.client.jwks().getKeys().stream().map(k -> k.getKeyID())
        .filter(k -> !k.equals(victim.kid())).findFirst().orElseThrow();
    edit(1, victim.kid(), credentialKid);
    AuditVerifier.Report r = verify();
    assertEquals(1L, r.brokenSeq());
  }
}

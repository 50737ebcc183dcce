package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.control.nonce.NonceService;
import io.driftzero.control.verify.Reasons;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.Facts;
import io.driftzero.core.model.AttestRequest;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/attest?dry_run=true}: explains, consumes no nonce, appends no event. */
class DryRunTest {
  @TempDir static Path dir;
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void wouldAcceptThenTheSameNonceAttestsForReal() throws Exception {
    AttestRequest req = stack.draft().build();
    long height = stack.cp.audit().height();
    DzClient.Explanation e = stack.client.explain(req);
    assertEquals("WOULD_ACCEPT", e.result());
    assertEquals(Set.of(), TestStack.codes(e.reasons()));
    assertEquals(height, stack.cp.audit().height(), "a dry run records nothing");
    assertEquals(0, stack.count("SELECT COUNT(*) FROM nonces WHERE nonce = ? AND used_at IS NOT NULL",
        req.attestation().nonce()), "a dry run consumes no nonce");
    assertEquals("ACCEPTED", stack.client.attest(req).result());
    assertEquals(height + 1, stack.cp.audit().height());
  }

  @Test
  void wouldDenyWithEveryReason() throws Exception {
    var d = stack.draft();
    d.actor = TestStack.OTHER_ACTOR;
    d.measurements.put("os.arch", "s390x");
    long height = stack.cp.audit().height();
    DzClient.Explanation e = stack.client.explain(d.build());
    assertEquals("WOULD_DENY", e.result());
    assertEquals(Set.of(Reasons.ACTOR_NOT_ALLOWED, Facts.MEASUREMENT_MISMATCH), TestStack.codes(e.reasons()));
    assertEquals(height, stack.cp.audit().height());
    // The nonce is still fresh: the corrected request is accepted with it.
    d.actor = TestStack.ACTOR;
    d.measurements = TestStack.goodMeasurements();
    assertEquals("ACCEPTED", stack.client.attest(d.build()).result());
  }

  @Test
  void dryRunOfAUsedNonceSaysReused() throws Exception {
    AttestRequest req = stack.draft().build();
    stack.client.attest(req);
    DzClient.Explanation e = stack.client.explain(req);
    assertEquals("WOULD_DENY", e.result());
    assertEquals(Set.of(NonceService.NONCE_REUSED), TestStack.codes(e.reasons()));
  }

  @Test
  void dryRunRejectsBadInputLikeARealRequest() {
    TestStack.Reply r = stack.postJson("/v1/attest?dry_run=true", "{\"policy\":1}");
    assertEquals(400, r.code());
    assertTrue(r.body().contains("\"field\":\"policy\""), r.body());
  }
}

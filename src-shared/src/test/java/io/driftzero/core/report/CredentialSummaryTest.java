package io.driftzero.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.driftzero.core.model.Credential;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialSummaryTest {
  @Test
  void issuedLinesCarryExpiryAndAuditIdButNeverTheToken() {
    CredentialResponse r = new CredentialResponse("ISSUED", new Credential("jwt", "eyJ.secret.token"),
        "2026-01-01T00:15:00Z", 900, "aud-9", null);
    CredentialSummary s = CredentialSummary.of(r);
    assertEquals(List.of("result: ISSUED", "expires_at: 2026-01-01T00:15:00Z (ttl 900 s)", "audit_id: aud-9"),
        s.lines());
    assertFalse(s.toString().contains("eyJ.secret.token"));
  }

  @Test
  void deniedLinesAndMessageNameEachReason() {
    CredentialSummary s = CredentialSummary.of(new CredentialResponse("DENIED", null, null, null, "aud-10",
        List.of(new Reason("TTL_TOO_LONG", "ttl 3600 exceeds max_ttl_seconds 600"))));
    assertEquals(List.of("result: DENIED", "reason: TTL_TOO_LONG: ttl 3600 exceeds max_ttl_seconds 600",
        "audit_id: aud-10"), s.lines());
    assertEquals("DriftZero denied the credential: TTL_TOO_LONG: ttl 3600 exceeds max_ttl_seconds 600"
        + " (audit_id aud-10)", s.denialMessage());
  }
}

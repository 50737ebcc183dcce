package io.driftzero.core.audit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.sign.EcKeys;
import java.util.List;

/**
 * Verifies an audit trail without trusting the server that served it: every event's
 * {@code control_plane_signature} against the published (or pinned) JWKS, and the whole hash chain
 * from genesis ({@code seq} 1, 2, 3 … each {@code prev_hash} the SHA-256 of the previous full event).
 * The first broken event is named.
 */
public final class AuditVerifier {
  private final JWKSet keys;
  private final java.util.Map<String, java.security.interfaces.ECPublicKey> publicKeys =
      new java.util.concurrent.ConcurrentHashMap<>();

  public AuditVerifier(JWKSet keys) {
    this.keys = keys;
  }

  /** Outcome: {@code ok}, how many events were checked, and the first failure. */
  public record Report(boolean ok, int checked, Long brokenSeq, String brokenAuditId, String problem, String headHash) {
    public String summary() {
      return ok ? "audit chain OK: " + checked + " events, head " + headHash
          : "audit chain BROKEN at seq " + brokenSeq + " (audit_id " + brokenAuditId + "): " + problem;
    }
  }

  /** {@code events} must be the whole chain from seq 1, oldest first. */
  public Report verifyChain(List<AuditEvent> events) {
    // Each event's own checks (signature, hash) do not depend on the others, so they run on every
    // core; only the linking below is sequential. The first broken event is still the one named.
    String[] problems = new String[events.size()];
    String[] hashes = new String[events.size()];
    java.util.stream.IntStream.range(0, events.size()).parallel().forEach(i -> {
      problems[i] = signatureProblem(events.get(i));
      hashes[i] = events.get(i).hash();
    });
    String prev = AuditEvent.GENESIS_HASH;
    long expectSeq = 1;
    int n = 0;
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      if (e.seq() == null || e.seq() != expectSeq) {
        return broken(n, e, "expected seq " + expectSeq + " but found " + e.seq() + ": events are missing or reordered");
      }
      if (!prev.equals(e.prevHash())) {
        return broken(n, e, "prev_hash " + e.prevHash() + " does not match the previous event's hash " + prev
            + ": an earlier event was altered, removed or inserted");
      }
      if (problems[i] != null) {
        return broken(n, e, problems[i]);
      }
      prev = hashes[i];
      expectSeq++;
      n++;
    }
    return new Report(true, n, null, null, null, prev);
  }


  /** Checks one event's signature only (its chain position needs its neighbours). */
  public String signatureProblem(AuditEvent e) {
    java.security.interfaces.ECPublicKey key = e.kid() == null ? null : publicKeys.get(e.kid());
    if (key == null) {
      JWK jwk = e.kid() == null ? null : keys.getKeyByKeyId(e.kid());
      if (!(jwk instanceof ECKey ec)) {
        return "signing key kid '" + e.kid() + "' is not in the JWKS; fetch the current JWKS or pin the right one";
      }
      try {
        key = EcKeys.forEcdsa(ec.toECPublicKey());
      } catch (JOSEException ex) {
        return "signing key kid '" + e.kid() + "' is not a usable EC key";
      }
      publicKeys.put(e.kid(), key);
    }
    if (!EcKeys.verifyDer(key, e.signedBytes(), e.controlPlaneSignature())) {
      return "control_plane_signature does not verify: the event's content was altered after signing";
    }
    return null;
  }

  private static Report broken(int checked, AuditEvent e, String problem) {
    return new Report(false, checked, e.seq(), e.auditId(), problem, null);
  }
}

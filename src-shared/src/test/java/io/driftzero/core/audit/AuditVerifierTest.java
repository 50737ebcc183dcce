package io.driftzero.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.Reason;
import io.driftzero.core.sign.EcKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The offline verifier over chains built exactly as dz-control's AuditLog builds them. */
class AuditVerifierTest {
  ECKey key;
  JWKSet jwks;
  List<AuditEvent> chain;

  static AuditEvent draft(int i, String result) {
    return new AuditEvent("00000000-0000-4000-8000-00000000000" + i, null, "2030-01-01T10:00:0" + i + "Z",
        "github.com/org/app", new AuditEvent.Environment("dz://env/b", "1", "sha256:" + "0".repeat(64)),
        "dz://policy/p", AuditEvent.ATTEST, result, null, null, null, "att-" + i, null,
        result.equals("DENIED") ? List.of(new Reason("NONCE_REUSED", "m")) : null, null, "none", null, null, null);
  }

  static List<AuditEvent> build(ECKey key, List<AuditEvent> drafts) throws Exception {
    List<AuditEvent> out = new ArrayList<>();
    String prev = AuditEvent.GENESIS_HASH;
    long seq = 1;
    for (AuditEvent d : drafts) {
      AuditEvent unsigned = d.withChain(seq++, prev, key.getKeyID());
      AuditEvent signed = unsigned.withSignature(EcKeys.signDer(key.toPrivateKey(), unsigned.signedBytes()));
      prev = signed.hash();
      out.add(signed);
    }
    return out;
  }

  @BeforeEach
  void chain() throws Exception {
    key = EcKeys.withThumbprintId(EcKeys.generate());
    jwks = new JWKSet(key.toPublicJWK());
    chain = build(key, List.of(draft(1, "ACCEPTED"), draft(2, "DENIED"), draft(3, "ACCEPTED"), draft(4, "ACCEPTED")));
  }

  @Test
  void goodChain() {
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    assertTrue(r.ok(), r.summary());
    assertEquals(4, r.checked());
    assertEquals(chain.get(3).hash(), r.headHash());
    assertTrue(r.summary().startsWith("audit chain OK: 4 events"));
    assertTrue(new AuditVerifier(jwks).verifyChain(List.of()).ok(), "an empty log is a valid chain");
  }

  private static AuditEvent withResult(AuditEvent e, String result) {
    return new AuditEvent(e.auditId(), e.seq(), e.timestamp(), e.actor(), e.environment(), e.policy(), e.action(),
        result, e.target(), e.scope(), e.ttlSeconds(), e.attestationId(), e.credentialId(), null, e.sigstore(),
        e.hardwareAnchor(), e.prevHash(), e.kid(), e.controlPlaneSignature());
  }

  @Test
  void alteredFieldNamesThatSeq() {
    chain.set(1, withResult(chain.get(1), "ACCEPTED"));
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    assertFalse(r.ok());
    assertEquals(2L, r.brokenSeq());
    assertEquals(chain.get(1).auditId(), r.brokenAuditId());
    assertEquals(1, r.checked());
    assertTrue(r.problem().contains("control_plane_signature does not verify"), r.problem());
    assertTrue(r.summary().contains("BROKEN at seq 2 (audit_id " + chain.get(1).auditId() + ")"), r.summary());
  }

  @Test
  void alteredAndResignedByAnotherKeyIsCaughtByTheChainOrTheKey() throws Exception {
    // The intruder re-signs event 2 with their own key under the real kid: the signature fails.
    ECKey intruder = new ECKey.Builder(EcKeys.generate()).keyID(key.getKeyID()).build();
    AuditEvent forged = withResult(chain.get(1), "ACCEPTED").withChain(2, chain.get(1).prevHash(), key.getKeyID());
    forged = forged.withSignature(EcKeys.signDer(intruder.toPrivateKey(), forged.signedBytes()));
    chain.set(1, forged);
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    assertEquals(2L, r.brokenSeq());
  }

  @Test
  void rebuiltSuffixIsCaughtAtTheFirstRebuiltEvent() throws Exception {
    // A whole re-chained suffix signed by a different key: the first event of it is named.
    ECKey other = EcKeys.withThumbprintId(EcKeys.generate());
    List<AuditEvent> forged = build(other, List.of(draft(1, "ACCEPTED"), draft(2, "ACCEPTED")));
    List<AuditEvent> mixed = new ArrayList<>(List.of(chain.get(0)));
    mixed.add(forged.get(1));
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(mixed);
    assertEquals(2L, r.brokenSeq());
  }

  @Test
  void removedEvent() {
    AuditEvent removed = chain.remove(1);
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    assertFalse(r.ok());
    assertEquals(3L, r.brokenSeq(), "named at the first event after the gap");
    assertTrue(r.problem().contains("expected seq 2"), r.problem());
    assertFalse(r.brokenAuditId().equals(removed.auditId()));
  }

  @Test
  void removedFirstEvent() {
    chain.remove(0);
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    assertEquals(2L, r.brokenSeq());
  }

  @Test
  void reorderedEvents() {
    AuditEvent two = chain.get(1);
    chain.set(1, chain.get(2));
    chain.set(2, two);
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    assertFalse(r.ok());
    assertEquals(3L, r.brokenSeq());
    assertTrue(r.problem().contains("reordered"), r.problem());
  }

  @Test
  void renumberedEventBreaksThePrevHashLink() throws Exception {
    // Dropping event 2 and renumbering 3→2 (re-signed by the real key, as a compromised server
    // could) still breaks the link: event 3's prev_hash is the hash of the removed event.
    AuditEvent three = chain.get(2);
    AuditEvent renumbered = three.withChain(2, three.prevHash(), key.getKeyID());
    renumbered = renumbered.withSignature(EcKeys.signDer(key.toPrivateKey(), renumbered.signedBytes()));
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(List.of(chain.get(0), renumbered));
    assertEquals(2L, r.brokenSeq());
    assertTrue(r.problem().contains("prev_hash"), r.problem());
  }

  @Test
  void unknownKid() {
    AuditVerifier.Report r = new AuditVerifier(new JWKSet(EcKeys.withThumbprintId(EcKeys.generate()).toPublicJWK()))
        .verifyChain(chain);
    assertFalse(r.ok());
    assertEquals(1L, r.brokenSeq());
    assertTrue(r.problem().contains("kid '" + key.getKeyID() + "' is not in the JWKS"), r.problem());
  }
}

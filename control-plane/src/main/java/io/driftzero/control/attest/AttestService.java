package io.driftzero.control.attest;

import io.driftzero.control.audit.AuditLog;
import io.driftzero.control.nonce.NonceService;
import io.driftzero.core.policy.PolicySet;
import io.driftzero.control.policy.PolicyStore;
import io.driftzero.control.verify.AttestationVerifier;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SigstoreBlock;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/attest}: consume the nonce, verify, decide, and commit the decision with its
 * signed audit event in one transaction. Only an ACCEPTED decision gets a session token, and only
 * its hash is stored.
 */
public final class AttestService {
  private static final Logger LOG = LoggerFactory.getLogger(AttestService.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PolicyStore policies;
  private final NonceService nonces;
  private final AttestationVerifier verifier;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration sessionTtl;

  public AttestService(PolicyStore policies, NonceService nonces, AttestationVerifier verifier, AuditLog audit,
      Clock clock, Duration sessionTtl) {
    this.policies = policies;
    this.nonces = nonces;
    this.verifier = verifier;
    this.audit = audit;
    this.clock = clock;
    this.sessionTtl = sessionTtl;
  }

  /** The decision and the HTTP status that carries it (200 or 403). */
  public record Outcome(int status, AttestResponse response) {}

  public Outcome attest(AttestRequest req) {
    EnvironmentAttestation statement = req.statement();
    PolicySet ps = policies.get();
    List<Reason> reasons = new ArrayList<>();
    // Consume first, whatever follows: a nonce is spent by any attempt, so a denied request cannot be
    // replayed after fixing one field.
    nonces.consume(statement.nonce()).ifPresent(reasons::add);
    reasons.addAll(verifier.verify(req, statement, ps));
    boolean accepted = reasons.isEmpty();

    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String attestationId = UUID.randomUUID().toString();
    String auditId = UUID.randomUUID().toString();
    String token = accepted ? newSessionToken() : null;
    Instant expires = now.plus(sessionTtl);
    SigstoreBlock sig = req.attestation().sigstore();
    String anchor = req.attestation().hardwareAnchor() == null ? "none" : req.attestation().hardwareAnchor().type();
    String result = accepted ? AttestResponse.ACCEPTED : AttestResponse.DENIED;

    AuditEvent draft = new AuditEvent(auditId, null, now.truncatedTo(ChronoUnit.SECONDS).toString(),
        statement.actor().id(),
        new AuditEvent.Environment(statement.manifestId(), statement.manifestVersion(), statement.manifestHash()),
        req.policy(), AuditEvent.ATTEST, result, null, null, null, attestationId, null,
        accepted ? null : List.copyOf(reasons),
        sig == null ? null : new AuditEvent.Sigstore(sig.rekorUuid(), sig.rekorLogIndex()),
        anchor, null, null, null);
    Attestations.Row row = new Attestations.Row(attestationId, now.toEpochMilli(), expires.toEpochMilli(),
        statement.actor().id(), req.policy(), statement.manifestId(), statement.manifestVersion(),
        statement.manifestHash(), result, token == null ? null : Attestations.sessionHash(token), auditId,
        sig == null ? null : sig.rekorUuid(), sig == null ? null : sig.rekorLogIndex(), anchor, Json.write(req));
    audit.append(draft, (c, e) -> Attestations.insert(c, row));
    LOG.info("attest {} actor={} policy={} result={} reasons={}", attestationId, statement.actor().id(), req.policy(),
        result, reasons.stream().map(Reason::code).toList());
    AttestResponse resp = new AttestResponse(attestationId, result, List.copyOf(reasons), auditId, token,
        accepted ? expires.toString() : null, req.policy());
    return new Outcome(accepted ? 200 : 403, resp);
  }

  /** A read-only explanation: every rule that would fail. Consumes nothing and records nothing. */
  public List<Reason> explain(AttestRequest req) {
    EnvironmentAttestation statement = req.statement();
    List<Reason> reasons = new ArrayList<>();
    nonces.peek(statement.nonce()).ifPresent(reasons::add);
    reasons.addAll(verifier.verify(req, statement, policies.get()));
    return reasons;
  }

  private static String newSessionToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "dzs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}

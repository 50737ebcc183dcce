package io.driftzero.control.credential;

import io.driftzero.control.attest.Attestations;
import io.driftzero.control.audit.AuditLog;
import io.driftzero.core.policy.PolicySet;
import io.driftzero.control.policy.PolicyStore;
import io.driftzero.control.verify.Reasons;
import io.driftzero.core.DzException;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.Credential;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.model.Reason;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/credentials}: authenticate the session, re-check the request against the policy in
 * force (a reload revokes), then mint, and commit the ISSUED audit event together with the
 * credential's {@code jti} before the credential is returned. If the commit fails, the minted token
 * is dropped and the caller gets 503.
 */
public final class CredentialService {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialService.class);

  private final Attestations attestations;
  private final PolicyStore policies;
  private final CredentialIssuer issuer;
  private final AuditLog audit;
  private final Clock clock;

  public CredentialService(Attestations attestations, PolicyStore policies, CredentialIssuer issuer, AuditLog audit,
      Clock clock) {
    this.attestations = attestations;
    this.policies = policies;
    this.issuer = issuer;
    this.audit = audit;
    this.clock = clock;
  }

  /** The session did not authenticate: 401, nothing attributable to audit. */
  public static final class Unauthenticated extends Exception {
    private static final long serialVersionUID = 1L;

    public Unauthenticated(String message) {
      super(message);
    }
  }

  /** The decision and its HTTP status (200 or 403). */
  public record Outcome(int status, CredentialResponse response) {}

  public Outcome request(String sessionToken, CredentialRequest req) throws Unauthenticated, DzException {
    Optional<Attestations.Row> found = attestations.find(req.attestationId());
    if (found.isEmpty() || !AttestResponse.ACCEPTED.equals(found.get().result())
        || !Attestations.sessionMatches(found.get(), sessionToken)) {
      throw new Unauthenticated("no accepted attestation '" + req.attestationId()
          + "' with this session token; attest again and use the session it returns");
    }
    Attestations.Row att = found.get();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    List<Reason> reasons = new ArrayList<>();
    if (now.toEpochMilli() >= att.expiresAt()) {
      reasons.add(Reasons.of(Reasons.SESSION_EXPIRED, "the attestation's session expired at "
          + Instant.ofEpochMilli(att.expiresAt()) + "; attest again"));
    }
    Optional<PolicySet.Policy> policy = policies.get().policy(att.policy());
    if (policy.isEmpty()) {
      reasons.add(Reasons.of(Reasons.POLICY_UNKNOWN, "policy '" + att.policy() + "' is no longer defined"));
    } else {
      PolicySet.Policy p = policy.get();
      if (!p.allowsManifest(att.manifestId(), att.manifestVersion())
          || policies.get().manifest(att.manifestId(), att.manifestVersion()).isEmpty()) {
        reasons.add(Reasons.of(Reasons.MANIFEST_NOT_ALLOWED, "manifest " + att.manifestId() + "@" + att.manifestVersion()
            + " is no longer approved for policy " + p.id()));
      }
      if (!p.targets().contains(req.target())) {
        reasons.add(Reasons.of(Reasons.TARGET_NOT_ALLOWED, "target '" + req.target() + "' is not allowed by policy "
            + p.id() + "; allowed: " + p.targets()));
      }
      if (!p.scopes().contains(req.scope())) {
        reasons.add(Reasons.of(Reasons.SCOPE_NOT_ALLOWED, "scope '" + req.scope() + "' is not allowed by policy "
            + p.id() + "; allowed: " + p.scopes()));
      }
      if (req.ttlSeconds() > p.maxTtlSeconds()) {
        reasons.add(Reasons.of(Reasons.TTL_EXCEEDS_MAX, "ttl_seconds " + req.ttlSeconds() + " exceeds policy "
            + p.id() + " max_ttl_seconds " + p.maxTtlSeconds() + "; ask for " + p.maxTtlSeconds() + " or less"));
      }
    }
    String auditId = UUID.randomUUID().toString();
    AuditEvent.Environment env = new AuditEvent.Environment(att.manifestId(), att.manifestVersion(), att.manifestHash());
    AuditEvent.Sigstore sig = att.rekorUuid() == null && att.rekorLogIndex() == null ? null
        : new AuditEvent.Sigstore(att.rekorUuid(), att.rekorLogIndex());
    if (!reasons.isEmpty()) {
      audit.append(new AuditEvent(auditId, null, now.toString(), att.actor(), env, att.policy(),
          AuditEvent.CREDENTIAL_ISSUE, CredentialResponse.DENIED, req.target(), req.scope(),
          (long) req.ttlSeconds(), att.attestationId(), null, List.copyOf(reasons), sig, att.hardwareAnchor(),
          null, null, null));
      LOG.info("credential denied attestation={} target={} reasons={}", att.attestationId(), req.target(),
          reasons.stream().map(Reason::code).toList());
      return new Outcome(403, new CredentialResponse(CredentialResponse.DENIED, null, null, null, auditId,
          List.copyOf(reasons)));
    }
    String jti = UUID.randomUUID().toString();
    Instant exp = now.plusSeconds(req.ttlSeconds());
    Credential credential = issuer.issue(new CredentialClaims(att.actor(), req.target(), req.scope(), now, exp, jti,
        att.policy(), att.manifestId(), att.manifestVersion(), att.manifestHash(), att.attestationId(), auditId,
        att.rekorUuid(), att.rekorLogIndex()));
    audit.append(new AuditEvent(auditId, null, now.toString(), att.actor(), env, att.policy(),
        AuditEvent.CREDENTIAL_ISSUE, CredentialResponse.ISSUED, req.target(), req.scope(), (long) req.ttlSeconds(),
        att.attestationId(), jti, null, sig, att.hardwareAnchor(), null, null, null), (c, e) -> {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO credentials (jti, audit_id, attestation_id,"
              + " target, scope, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, jti);
            ps.setString(2, auditId);
            ps.setString(3, att.attestationId());
            ps.setString(4, req.target());
            ps.setString(5, req.scope());
            ps.setLong(6, now.toEpochMilli());
            ps.setLong(7, exp.toEpochMilli());
            ps.executeUpdate();
          }
        });
    LOG.info("credential issued attestation={} target={} scope={} ttl={} jti={}", att.attestationId(), req.target(),
        req.scope(), req.ttlSeconds(), jti);
    return new Outcome(200, new CredentialResponse(CredentialResponse.ISSUED, credential, exp.toString(),
        req.ttlSeconds(), auditId, null));
  }
}

package io.driftzero.control.admin;

import io.driftzero.control.audit.AuditLog;
import io.driftzero.control.policy.PolicyStore;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.Reason;
import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.policy.PolicySet;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Admin actions on the policy. Each change attempt, applied or rejected, is itself a signed audit
 * event ({@code actor: admin:<name>}, action {@code POLICY_UPDATE} / {@code POLICY_RELOAD}, result
 * {@code APPLIED} / {@code REJECTED}, {@code detail}: the policy's hash), so the trail shows who
 * changed the gate and when, next to the decisions it made.
 */
public final class AdminService {
  public static final String APPLIED = "APPLIED";
  public static final String REJECTED = "REJECTED";
  public static final String POLICY_INVALID = "POLICY_INVALID";

  private final PolicyStore policies;
  private final AuditLog audit;
  private final Clock clock;
  private final io.driftzero.control.keys.SigningKeys keys;

  public AdminService(PolicyStore policies, AuditLog audit, Clock clock, io.driftzero.control.keys.SigningKeys keys) {
    this.policies = policies;
    this.audit = audit;
    this.clock = clock;
    this.keys = keys;
  }

  /**
   * Rotates the audit and/or credential signing key: the old public key stays in the JWKS, this
   * replica signs with the new key at once, replicas sharing the key directory within seconds. The
   * event recording it is the first one signed with the new audit key; its detail names old and
   * new kids.
   */
  public Outcome rotateKeys(AdminTokens.Principal who, String which) {
    List<io.driftzero.control.keys.SigningKeys.Which> targets = switch (which == null ? "both" : which) {
      case "audit" -> List.of(io.driftzero.control.keys.SigningKeys.Which.AUDIT);
      case "credential" -> List.of(io.driftzero.control.keys.SigningKeys.Which.CREDENTIAL);
      case "both" -> List.of(io.driftzero.control.keys.SigningKeys.Which.values());
      default -> null;
    };
    if (targets == null) {
      return record(who, AuditEvent.KEY_ROTATE, REJECTED, "keys", "key must be audit, credential or both");
    }
    StringBuilder detail = new StringBuilder();
    try {
      for (var w : targets) {
        String[] kids = io.driftzero.control.keys.SigningKeys.rotate(keys.directory(), w);
        detail.append(detail.length() == 0 ? "" : "; ").append(w.name().toLowerCase(java.util.Locale.ROOT))
            .append(' ').append(kids[0]).append(" -> ").append(kids[1]);
      }
    } catch (DzException e) {
      keys.reload();
      return record(who, AuditEvent.KEY_ROTATE, REJECTED, detail.toString(), e.getMessage());
    }
    keys.reload();
    return record(who, AuditEvent.KEY_ROTATE, APPLIED, detail.toString(), null);
  }

  /** The outcome of an admin action and its audit event. */
  public record Outcome(boolean applied, String policyHash, String error, String auditId) {}

  /** Validates without changing anything or recording an event. */
  public Outcome validate(String text) {
    try {
      return new Outcome(true, PolicyLoader.parse("(submitted policy)", text, null).hash(), null, null);
    } catch (DzException e) {
      return new Outcome(false, Json.sha256(Json.utf8(text)), e.getMessage(), null);
    }
  }

  public Outcome replace(AdminTokens.Principal who, String text) {
    String hash = Json.sha256(Json.utf8(text));
    try {
      PolicySet next = policies.replace(text);
      return record(who, AuditEvent.POLICY_UPDATE, APPLIED, next.hash(), null);
    } catch (DzException e) {
      return record(who, AuditEvent.POLICY_UPDATE, REJECTED, hash, e.getMessage());
    }
  }

  public Outcome reload(AdminTokens.Principal who) {
    String error = policies.reload();
    return record(who, AuditEvent.POLICY_RELOAD, error == null ? APPLIED : REJECTED, policies.get().hash(), error);
  }

  private Outcome record(AdminTokens.Principal who, String action, String result, String hash, String error) {
    String auditId = UUID.randomUUID().toString();
    List<Reason> reasons = error == null ? null : List.of(new Reason(POLICY_INVALID, error));
    audit.append(new AuditEvent(auditId, null, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(),
        "admin:" + who.name(), null, null, action, result, null, null, null, null, null, reasons, null, null,
        AuditEvent.KEY_ROTATE.equals(action) ? "keys " + hash : "policy " + hash, null, null, null));
    return new Outcome(error == null, hash, error, auditId);
  }
}

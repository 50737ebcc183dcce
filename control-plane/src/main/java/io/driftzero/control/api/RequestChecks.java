package io.driftzero.control.api;

import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.SignatureBlock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shape checks done where a request is parsed: required fields, formats and sizes. Anything that is
 * a decision (unknown manifest, wrong key, stale time) is left to the verifier, which denies with a
 * signed event; this class only rejects what cannot be judged at all.
 */
final class RequestChecks {
  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern UUID_RE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  static final int MAX_TTL = 86_400;

  private RequestChecks() {}

  static void attest(AttestRequest r) {
    text("policy", r.policy(), 512, "name the policy to be judged under, e.g. dz://policy/deploy-prod");
    required("environment", r.environment());
    required("attestation", r.attestation());
    required("actor", r.actor());
    var env = r.environment();
    text("environment.manifest_id", env.manifestId(), 512, "e.g. dz://env/build-release");
    text("environment.manifest_version", env.manifestVersion(), 64, "e.g. \"2.4\"");
    text("environment.manifest_hash", env.manifestHash(), 80, "sha256:<64 hex>");
    if (!HASH.matcher(env.manifestHash()).matches()) {
      throw new BadRequest("environment.manifest_hash", "must be 'sha256:' followed by 64 lowercase hex digits");
    }
    required("environment.measurements", env.measurements());
    if (env.measurements().size() > 512) {
      throw new BadRequest("environment.measurements", "at most 512 facts per attestation");
    }
    for (Map.Entry<String, String> e : env.measurements().entrySet()) {
      if (e.getKey().length() > 512 || e.getValue() == null || e.getValue().length() > 4096) {
        throw new BadRequest("environment.measurements." + e.getKey(),
            "fact names are at most 512 characters and values are strings of at most 4096");
      }
    }
    var att = r.attestation();
    text("attestation.nonce", att.nonce(), 64, "take it from GET /v1/nonce");
    text("attestation.timestamp", att.timestamp(), 40, "RFC 3339 UTC, e.g. 2025-10-31T15:40:00Z");
    try {
      Instant.parse(att.timestamp());
    } catch (DateTimeParseException e) {
      throw new BadRequest("attestation.timestamp", "not an RFC 3339 UTC instant; write e.g. 2025-10-31T15:40:00Z");
    }
    text("attestation.agent_version", att.agentVersion(), 64, "the agent's version, e.g. 1.2.0");
    SignatureBlock sig = att.signature();
    if (sig != null) {
      text("attestation.signature.algorithm", sig.algorithm(), 64, SignatureBlock.ECDSA_P256_SHA256);
      text("attestation.signature.key_id", sig.keyId(), 128, "the enrolled key's id (dzctl keygen prints it)");
      text("attestation.signature.value", sig.value(), 512, "base64 DER ECDSA signature");
      base64("attestation.signature.value", sig.value());
    }
    HardwareAnchor ha = att.hardwareAnchor();
    if (ha != null) {
      text("attestation.hardware_anchor.type", ha.type(), 32, "tpm2");
      text("attestation.hardware_anchor.evidence", ha.evidence(), 65_536, "base64 evidence");
      base64("attestation.hardware_anchor.evidence", ha.evidence());
    }
    if (att.sigstore() != null) {
      required("attestation.sigstore.bundle", att.sigstore().bundle());
      if (!att.sigstore().bundle().isObject()) {
        throw new BadRequest("attestation.sigstore.bundle", "must be the Sigstore bundle JSON object (v0.3)");
      }
    }
    text("actor.type", r.actor().type(), 64, "pipeline");
    text("actor.id", r.actor().id(), 512, "e.g. github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main");
  }

  static void credentials(CredentialRequest r) {
    text("attestation_id", r.attestationId(), 36, "the attestation_id from POST /v1/attest");
    if (!UUID_RE.matcher(r.attestationId()).matches()) {
      throw new BadRequest("attestation_id", "must be the UUID returned by POST /v1/attest");
    }
    text("scope", r.scope(), 512, "e.g. deploy");
    text("target", r.target(), 512, "e.g. aws-prod-account-1234");
    required("ttl_seconds", r.ttlSeconds());
    if (r.ttlSeconds() < 1 || r.ttlSeconds() > MAX_TTL) {
      throw new BadRequest("ttl_seconds", "must be between 1 and " + MAX_TTL + " seconds");
    }
  }

  static void required(String field, Object v) {
    if (v == null) {
      throw new BadRequest(field, "is required");
    }
  }

  static void text(String field, String v, int max, String hint) {
    if (v == null || v.isBlank()) {
      throw new BadRequest(field, "is required; " + hint);
    }
    if (v.length() > max) {
      throw new BadRequest(field, "is longer than " + max + " characters");
    }
  }

  static void base64(String field, String v) {
    try {
      Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(field, "is not valid base64 (RFC 4648 standard alphabet, with padding)");
    }
  }
}

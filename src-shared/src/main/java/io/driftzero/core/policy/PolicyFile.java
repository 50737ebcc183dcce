package io.driftzero.core.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The policy YAML as written by admins (see docs/policy-reference.md). {@link PolicyLoader} turns it
 * into a validated {@link PolicySet}; every field here is checked there with file and line.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PolicyFile(Integer version, List<JsonNode> manifests, List<AgentKey> agentKeys, List<TpmAk> tpmAks,
    List<Rule> policies) {

  /** An enrolled TPM attestation key: its TPM name and the actors whose runners hold it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record TpmAk(String id, String name, List<String> actors) {}

  /** An enrolled agent signing key and the actors it may speak for. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record AgentKey(String id, String publicKey, String publicKeyFile, List<String> actors) {}

  /** One policy: who, on which approved environments, may get what. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Rule(
      String id,
      String description,
      List<String> actors,
      List<String> manifests,
      List<String> targets,
      List<String> scopes,
      Integer maxTtlSeconds,
      Boolean requireSigstore,
      Boolean requireTpm,
      List<SigstoreIdentity> sigstoreIdentities) {}

  /**
   * A keyless signer identity a policy accepts: the OIDC issuer, the certificate subject (SAN) exactly
   * or by a regular expression over the whole SAN, Fulcio extension values, and whether self-hosted
   * runners are acceptable (default: no).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SigstoreIdentity(String issuer, String subject, String subjectRegex,
      java.util.Map<String, String> extensions, Boolean allowSelfHosted) {}
}

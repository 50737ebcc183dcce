package io.driftzero.core.policy;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.measure.Manifest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded, validated policy document: approved manifests by {@code id@version}, enrolled agent
 * keys by key id, and policies by id. Immutable; a reload swaps the whole set.
 */
public record PolicySet(
    String source,
    String hash,
    Map<String, Manifest> manifests,
    Map<String, EnrolledKey> agentKeys,
    Map<String, TpmAk> tpmAks,
    Map<String, Policy> policies) {

  /** An enrolled TPM AK (by TPM name) and the actors it may speak for. */
  public record TpmAk(io.driftzero.core.tpm.EnrolledAk ak, List<Glob> actors) {
    public boolean mayClaim(String actorId) {
      return actors.stream().anyMatch(g -> g.matches(actorId));
    }
  }

  /**
   * An enrolled agent key: its key id (RFC 7638 thumbprint), label, the key (as a JWK and, converted
   * once at load, as the JCA key every signature check uses) and allowed actors.
   */
  public record EnrolledKey(String keyId, String label, ECKey key, java.security.interfaces.ECPublicKey publicKey,
      List<Glob> actors) {
    public boolean mayClaim(String actorId) {
      return actors.stream().anyMatch(g -> g.matches(actorId));
    }
  }

  /** One policy, compiled. {@code manifests} holds {@code id@version} or a bare {@code id} (any version). */
  public record Policy(
      String id,
      List<Glob> actors,
      Set<String> manifests,
      Set<String> targets,
      Set<String> scopes,
      int maxTtlSeconds,
      boolean requireSigstore,
      boolean requireTpm,
      List<io.driftzero.core.sigstore.IdentityPolicy> sigstoreIdentities) {

    public boolean allowsActor(String actorId) {
      return actors.stream().anyMatch(g -> g.matches(actorId));
    }

    public boolean allowsManifest(String id, String version) {
      return manifests.contains(id + "@" + version) || manifests.contains(id);
    }
  }

  public Optional<Manifest> manifest(String id, String version) {
    return Optional.ofNullable(manifests.get(id + "@" + version));
  }

  public Optional<Policy> policy(String id) {
    return Optional.ofNullable(policies.get(id));
  }
}

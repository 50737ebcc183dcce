package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.oidc.IdToken;
import io.driftzero.core.oidc.IdTokenSource;
import io.driftzero.core.oidc.IdTokenSources;
import io.driftzero.core.sign.AttestationSigner;
import io.driftzero.core.sign.KeyFileSigner;
import io.driftzero.core.sigstore.SigstoreInstance;
import io.driftzero.core.sigstore.SigstoreSigner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How {@code dzctl attest} signs and who it claims to be: Sigstore keyless with the CI job's OIDC
 * identity, or an enrolled key file. Only maps flags to core classes.
 */
final class SigningOptions {
  @Option(names = "--sigstore", defaultValue = "off",
      description = "off (key-based, needs --key), public-good, staging or custom (--trusted-root + --signing-config)."
          + " Default: ${DEFAULT-VALUE}.")
  String sigstore;

  @Option(names = "--trusted-root", description = "trusted_root.json of a private Sigstore instance (--sigstore custom).")
  Path trustedRoot;

  @Option(names = "--signing-config", description = "signing_config.json of a private Sigstore instance (--sigstore custom).")
  Path signingConfig;

  @Option(names = "--sigstore-truststore", description = "PKCS12 trust store for a private Fulcio's TLS CA (password in $DZ_SIGSTORE_TRUSTSTORE_PASSWORD).")
  Path truststore;

  @Option(names = "--identity", description = "Where the OIDC token comes from: " + IdTokenSources.CHOICES
      + " (default: detected from the CI environment).")
  String identity;

  @Option(names = "--audience", defaultValue = "sigstore", description = "OIDC audience requested for the token (default ${DEFAULT-VALUE}).")
  String audience;

  @Option(names = "--gitlab-token-var", defaultValue = "SIGSTORE_ID_TOKEN",
      description = "GitLab id_tokens variable holding the token (default ${DEFAULT-VALUE}).")
  String gitlabTokenVar;

  @Option(names = "--key", description = "ECDSA P-256 private key (PEM) enrolled in policy, for --sigstore off (default: $DZ_AGENT_KEY).")
  Path key;

  /** What signing resolved to. */
  record Resolved(AttestationSigner signer, Optional<String> actorId, Optional<SigstoreInstance> instance) {}

  Resolved resolve(Map<String, String> env) throws DzException {
    if ("off".equals(sigstore)) {
      Path k = key != null ? key : env.get("DZ_AGENT_KEY") != null ? Path.of(env.get("DZ_AGENT_KEY")) : null;
      if (k == null) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--sigstore off signs with an enrolled key: pass --key FILE"
            + " ('dzctl keygen' makes one) or set DZ_AGENT_KEY, or sign keylessly with --sigstore public-good|staging|custom");
      }
      return new Resolved(KeyFileSigner.fromFile(k), Optional.empty(), Optional.empty());
    }
    SigstoreInstance instance = instance(env);
    IdTokenSource source = IdTokenSources.detect(env, IdTokenSources.Options.defaults(Clock.systemUTC())
        .withChoice(identity).withGitLabVariable(gitlabTokenVar));
    IdToken token = source.fetch(audience);
    String actor = source.actor(token).id();
    return new Resolved(SigstoreSigner.create(instance, token.raw()), Optional.of(actor), Optional.of(instance));
  }

  private SigstoreInstance instance(Map<String, String> env) throws DzException {
    switch (sigstore) {
      case "public-good":
        return SigstoreInstance.publicGood();
      case "staging":
        return SigstoreInstance.staging();
      case "custom":
        if (trustedRoot == null || signingConfig == null) {
          throw new DzException(DzException.Kind.BAD_INPUT,
              "--sigstore custom needs --trusted-root trusted_root.json and --signing-config signing_config.json");
        }
        SigstoreInstance.Builder b = SigstoreInstance.builder(trustedRoot, signingConfig);
        if (truststore != null) {
          b.trustStore(truststore, env.getOrDefault("DZ_SIGSTORE_TRUSTSTORE_PASSWORD", ""));
        }
        return b.build();
      default:
        throw new DzException(DzException.Kind.BAD_INPUT, "--sigstore '" + sigstore
            + "' is not one of off, public-good, staging, custom");
    }
  }
}

package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.oidc.IdTokenSources;
import io.driftzero.core.sign.SigningSetup;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How {@code dzctl attest} signs and who it claims to be: Sigstore keyless with the CI job's OIDC
 * identity, or an enrolled key file. Only maps flags to the core's {@link SigningSetup}.
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

  /** The flags as the core's signing setup; the core builds the signer. */
  SigningSetup setup() throws DzException {
    SigningSetup.Mode mode = SigningSetup.Mode.parse(sigstore);
    if (mode == SigningSetup.Mode.OFF) {
      return SigningSetup.keyFile(key == null ? null : key.toString());
    }
    SigningSetup s = SigningSetup.keyless(mode, identity, audience).withGitLabVariable(gitlabTokenVar);
    if (mode == SigningSetup.Mode.CUSTOM) {
      s = s.withCustomInstance(trustedRoot == null ? null : trustedRoot.toString(),
          signingConfig == null ? null : signingConfig.toString(), truststore == null ? null : truststore.toString(), null);
    }
    return s;
  }

  SigningSetup.Resolved resolve(Map<String, String> env) throws DzException {
    return setup().resolve(env, Clock.systemUTC());
  }
}

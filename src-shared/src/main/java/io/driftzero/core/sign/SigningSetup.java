package io.driftzero.core.sign;

import io.driftzero.core.DzException;
import io.driftzero.core.oidc.IdToken;
import io.driftzero.core.oidc.IdTokenSource;
import io.driftzero.core.oidc.IdTokenSources;
import io.driftzero.core.sigstore.SigstoreInstance;
import io.driftzero.core.sigstore.SigstoreSigner;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a wrapper signs, as plain values: dzctl fills it from flags, the Jenkins plugin from its global
 * configuration and credentials. {@link #resolve} turns it into a signer and, for keyless signing, the
 * actor proven by the OIDC token. Serialisable (paths as strings) so a controller can ship it to the
 * build agent whose environment and TPM are being attested; secrets are redacted from {@link #toString()}.
 *
 * @param mode off (key-based), public-good, staging or custom
 * @param trustedRoot trusted_root.json of a custom instance
 * @param signingConfig signing_config.json of a custom instance
 * @param truststore PKCS12 trust store for a private Fulcio's TLS CA, or null
 * @param truststorePassword its password; null reads {@value #TRUSTSTORE_PASSWORD_VAR}
 * @param identity where the OIDC token comes from ({@link IdTokenSources#CHOICES}); null detects
 * @param audience the audience the token must carry
 * @param gitLabVariable GitLab {@code id_tokens} variable, or null for the default
 * @param keyFile PEM key file for mode off, or null
 * @param keyPem PEM key held in memory for mode off (a secret), or null
 * @param keyName names the in-memory key in messages, e.g. a credential id
 */
public record SigningSetup(
    Mode mode,
    String trustedRoot,
    String signingConfig,
    String truststore,
    String truststorePassword,
    String identity,
    String audience,
    String gitLabVariable,
    String keyFile,
    String keyPem,
    String keyName) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The environment variable naming a key file when none is configured. */
  public static final String AGENT_KEY_VAR = "DZ_AGENT_KEY";
  /** The environment variable holding the trust store's password when none is configured. */
  public static final String TRUSTSTORE_PASSWORD_VAR = "DZ_SIGSTORE_TRUSTSTORE_PASSWORD";
  /** The audience requested when none is configured. */
  public static final String DEFAULT_AUDIENCE = "sigstore";

  public static final String NO_KEY = "Sigstore off signs with an enrolled key: configure a key (dzctl: --key FILE,"
      + " 'dzctl keygen' makes one; or set " + AGENT_KEY_VAR + ") or sign keylessly with public-good, staging or custom";
  public static final String CUSTOM_NEEDS_FILES = "Sigstore custom needs a trusted root (trusted_root.json) and a"
      + " signing config (signing_config.json)";

  /** Signing modes, as users type them. */
  public enum Mode {
    OFF("off"), PUBLIC_GOOD("public-good"), STAGING("staging"), CUSTOM("custom");

    private final String setting;

    Mode(String setting) {
      this.setting = setting;
    }

    /** The name as typed: {@code off}, {@code public-good}, {@code staging}, {@code custom}. */
    public String setting() {
      return setting;
    }

    /** True for every keyless (Sigstore) mode. */
    public boolean keyless() {
      return this != OFF;
    }

    /**
     * Parses a mode name (case-insensitive).
     *
     * @throws DzException BAD_INPUT naming the value and the choices
     */
    public static Mode parse(String value) throws DzException {
      String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
      for (Mode m : values()) {
        if (m.setting.equals(v)) {
          return m;
        }
      }
      throw new DzException(DzException.Kind.BAD_INPUT, "Sigstore mode '" + value
          + "' is not one of off, public-good, staging, custom");
    }

    @Override
    public String toString() {
      return setting;
    }
  }

  public SigningSetup {
    if (mode == null) {
      throw new IllegalArgumentException("mode");
    }
    if (audience == null || audience.isBlank()) {
      audience = DEFAULT_AUDIENCE;
    }
  }

  /** Key-based signing with a PEM key held in memory (e.g. from a CI secret store). */
  public static SigningSetup keyPem(String pem, String name) {
    return new SigningSetup(Mode.OFF, null, null, null, null, null, null, null, null, pem, name);
  }

  /** Key-based signing with a key file ({@code null} reads {@value #AGENT_KEY_VAR}). */
  public static SigningSetup keyFile(String file) {
    return new SigningSetup(Mode.OFF, null, null, null, null, null, null, null, file, null, null);
  }

  /** Keyless signing on {@code mode}'s instance with a token from {@code identity} for {@code audience}. */
  public static SigningSetup keyless(Mode mode, String identity, String audience) {
    return new SigningSetup(mode, null, null, null, null, identity, audience, null, null, null, null);
  }

  /** Same setup on a custom instance described by these files. */
  public SigningSetup withCustomInstance(String trustedRoot, String signingConfig, String truststore,
      String truststorePassword) {
    return new SigningSetup(Mode.CUSTOM, trustedRoot, signingConfig, truststore, truststorePassword, identity,
        audience, gitLabVariable, keyFile, keyPem, keyName);
  }

  /** Same setup reading GitLab's token from {@code variable}. */
  public SigningSetup withGitLabVariable(String variable) {
    return new SigningSetup(mode, trustedRoot, signingConfig, truststore, truststorePassword, identity,
        audience, variable, keyFile, keyPem, keyName);
  }

  /** Same setup taking the token from {@code identity} ({@link IdTokenSources#CHOICES}). */
  public SigningSetup withIdentity(String identity) {
    return new SigningSetup(mode, trustedRoot, signingConfig, truststore, truststorePassword, identity,
        audience, gitLabVariable, keyFile, keyPem, keyName);
  }

  /** What signing resolved to: the signer, the actor a token proved, the instance that signs. */
  public record Resolved(AttestationSigner signer, Optional<String> actorId, Optional<SigstoreInstance> instance) {}

  /**
   * Builds the signer. Keyless: loads the instance, fetches the job's OIDC token and derives the actor
   * from it. Key-based: loads the key; if an identity source is named, the actor still comes from its
   * token, so a key can be bound to the job that presents it.
   *
   * @param env the job's environment (token variables, {@value #AGENT_KEY_VAR}, …)
   * @param clock for token expiry checks
   */
  public Resolved resolve(Map<String, String> env, Clock clock) throws DzException {
    if (mode == Mode.OFF) {
      AttestationSigner signer = keySigner(env);
      Optional<String> actor = identity == null || identity.isBlank() ? Optional.empty()
          : Optional.of(actorFromToken(env, clock).actorId);
      return new Resolved(signer, actor, Optional.empty());
    }
    SigstoreInstance instance = instance(env);
    TokenAndActor t = actorFromToken(env, clock);
    return new Resolved(SigstoreSigner.create(instance, t.token.raw()), Optional.of(t.actorId), Optional.of(instance));
  }

  private AttestationSigner keySigner(Map<String, String> env) throws DzException {
    if (keyPem != null && !keyPem.isBlank()) {
      return KeyFileSigner.fromPem(keyPem, keyName == null ? "the configured key" : keyName);
    }
    String file = keyFile != null && !keyFile.isBlank() ? keyFile : env.get(AGENT_KEY_VAR);
    if (file == null || file.isBlank()) {
      throw new DzException(DzException.Kind.BAD_INPUT, NO_KEY);
    }
    return KeyFileSigner.fromFile(Path.of(file));
  }

  private record TokenAndActor(IdToken token, String actorId) {}

  private TokenAndActor actorFromToken(Map<String, String> env, Clock clock) throws DzException {
    IdTokenSource source = IdTokenSources.detect(env, IdTokenSources.Options.defaults(clock)
        .withChoice(identity).withGitLabVariable(gitLabVariable));
    IdToken token = source.fetch(audience);
    return new TokenAndActor(token, source.actor(token).id());
  }

  /** The Sigstore instance of a keyless mode. */
  public SigstoreInstance instance(Map<String, String> env) throws DzException {
    switch (mode) {
      case PUBLIC_GOOD:
        return SigstoreInstance.publicGood();
      case STAGING:
        return SigstoreInstance.staging();
      case CUSTOM:
        if (isBlank(trustedRoot) || isBlank(signingConfig)) {
          throw new DzException(DzException.Kind.BAD_INPUT, CUSTOM_NEEDS_FILES);
        }
        SigstoreInstance.Builder b = SigstoreInstance.builder(Path.of(trustedRoot), Path.of(signingConfig));
        if (!isBlank(truststore)) {
          b.trustStore(Path.of(truststore), truststorePassword != null ? truststorePassword
              : env.getOrDefault(TRUSTSTORE_PASSWORD_VAR, ""));
        }
        return b.build();
      default:
        throw new DzException(DzException.Kind.BAD_INPUT, "Sigstore mode off has no instance");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "SigningSetup[mode=" + mode + ", trustedRoot=" + trustedRoot + ", signingConfig=" + signingConfig
        + ", truststore=" + truststore + ", truststorePassword=" + (truststorePassword == null ? null : "***")
        + ", identity=" + identity + ", audience=" + audience + ", gitLabVariable=" + gitLabVariable
        + ", keyFile=" + keyFile + ", keyPem=" + (keyPem == null ? null : "***") + ", keyName=" + keyName + "]";
  }
}

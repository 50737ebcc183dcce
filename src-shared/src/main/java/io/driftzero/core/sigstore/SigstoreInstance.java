package io.driftzero.core.sigstore;

import dev.sigstore.SigningConfigProvider;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import dev.sigstore.trustroot.SigstoreSigningConfig;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.tuf.SigstoreTufClient;
import io.driftzero.core.DzException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Sigstore to use: where Fulcio and Rekor are (the signing config) and what to trust when
 * verifying (the trusted root). Named presets for the public-good and staging instances (both
 * fetched through Sigstore's TUF repository), and {@link #custom} for a private instance described
 * by a {@code trusted_root.json} and {@code signing_config.json} — what Jenkins and self-managed
 * GitLab need, since the public Fulcio only issues certificates for the issuers it federates.
 */
public final class SigstoreInstance {
  private final String name;
  private final TrustedRootProvider trustedRoot;
  private final SigningConfigProvider signingConfig;
  private final TrustStore trustStore;
  private final RetryPolicy retry;

  /** A PKCS12 trust store for a private Fulcio's TLS certificate; the password is never printed. */
  public record TrustStore(Path path, String password) {
    public TrustStore {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "TrustStore[path=" + path + ", password=<redacted>]";
    }
  }

  private SigstoreInstance(Builder b) {
    this.name = b.name;
    this.trustedRoot = b.trustedRoot;
    this.signingConfig = b.signingConfig;
    this.trustStore = b.trustStore;
    this.retry = b.retry;
  }

  /** sigstore.dev: fulcio.sigstore.dev and rekor.sigstore.dev, trust from the public TUF root. */
  public static SigstoreInstance publicGood() {
    SigstoreTufClient.Builder tuf = SigstoreTufClient.builder().usePublicGoodInstance();
    return new Builder("public-good", TrustedRootProvider.from(tuf), SigningConfigProvider.from(tuf)).build();
  }

  /** sigstage.dev, for trying things out; its bundles do not verify against public-good. */
  public static SigstoreInstance staging() {
    SigstoreTufClient.Builder tuf = SigstoreTufClient.builder().useStagingInstance();
    return new Builder("staging", TrustedRootProvider.from(tuf), SigningConfigProvider.from(tuf)).build();
  }

  /** A private instance with default options; see {@link #builder(Path, Path)} for the rest. */
  public static SigstoreInstance custom(Path trustedRoot, Path signingConfig) throws DzException {
    return builder(trustedRoot, signingConfig).build();
  }

  /**
   * A private instance. Both files are read and validated now, so a wrong path or a file of the
   * wrong kind fails at configuration time, naming the file.
   */
  public static Builder builder(Path trustedRoot, Path signingConfig) throws DzException {
    check(trustedRoot, "trusted root", f -> {
      SigstoreTrustedRoot r = TrustedRootProvider.from(f).get();
      return r.getCAs().isEmpty() || r.getTLogs().isEmpty()
          ? "it names no certificate authority or no transparency log" : null;
    });
    check(signingConfig, "signing config", f -> {
      SigstoreSigningConfig c = SigningConfigProvider.from(f).get();
      return c.getCas().isEmpty() || c.getTLogs().isEmpty() ? "it names no CA URL or no Rekor URL" : null;
    });
    return new Builder(
        "custom(" + trustedRoot + ")",
        TrustedRootProvider.from(trustedRoot),
        SigningConfigProvider.from(signingConfig));
  }

  /** The same instance with another retry policy. */
  public SigstoreInstance withRetry(RetryPolicy policy) {
    Builder b = new Builder(name, trustedRoot, signingConfig);
    b.trustStore = trustStore;
    return b.retry(policy).build();
  }

  /** A name for logs and messages: {@code public-good}, {@code staging} or {@code custom(<trusted root>)}. */
  public String name() {
    return name;
  }

  /** How signing retries an unreachable Fulcio or Rekor. */
  public RetryPolicy retry() {
    return retry;
  }

  /** The TLS trust store to install JVM-wide before signing, if one was configured. */
  public Optional<TrustStore> trustStore() {
    return Optional.ofNullable(trustStore);
  }

  TrustedRootProvider trustedRootProvider() {
    return trustedRoot;
  }

  SigningConfigProvider signingConfigProvider() {
    return signingConfig;
  }

  /** Loads the trusted root once; for the TUF presets this is the only network access. */
  SigstoreTrustedRoot loadTrustedRoot() throws DzException {
    try {
      return trustedRoot.get();
    } catch (SigstoreConfigurationException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "Cannot load the Sigstore trusted root of " + name + ": " + e.getMessage(), e);
    }
  }

  SigstoreSigningConfig loadSigningConfig() throws DzException {
    try {
      return signingConfig.get();
    } catch (SigstoreConfigurationException e) {
      throw new DzException(DzException.Kind.UNAVAILABLE,
          "Cannot load the Sigstore signing config of " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where a Rekor entry of this instance can be read: {@code <rekor>/api/v1/log/entries/<uuid>}, from
   * the signing config's first transparency log. Empty if the config cannot be loaded.
   */
  public Optional<String> rekorEntryUrl(String uuid) {
    try {
      var tlogs = loadSigningConfig().getTLogs();
      if (tlogs.isEmpty() || uuid == null) {
        return Optional.empty();
      }
      String base = tlogs.get(0).getUrl().toString().replaceAll("/+$", "");
      return Optional.of(base + "/api/v1/log/entries/" + uuid);
    } catch (DzException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "SigstoreInstance[" + name + (trustStore == null ? "" : ", " + trustStore) + "]";
  }

  /** Parses a file and returns what is wrong with its content, or null. */
  private interface Parser {
    String problem(Path file) throws SigstoreConfigurationException;
  }

  private static void check(Path file, String what, Parser parser) throws DzException {
    String problem;
    try {
      if (!Files.isReadable(file)) {
        throw new IOException("not a readable file");
      }
      problem = parser.problem(file);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT,
          "Cannot read Sigstore " + what + " " + file + " (" + e.getMessage() + "); check the path");
    } catch (SigstoreConfigurationException | RuntimeException e) {
      throw new DzException(DzException.Kind.BAD_INPUT,
          "Sigstore " + what + " " + file + " is not valid: " + e.getMessage(), e);
    }
    if (problem != null) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Sigstore " + what + " " + file + " is not valid: " + problem);
    }
  }

  /** Options for a private instance; defaults: JVM trust store, {@link RetryPolicy#DEFAULT}. */
  public static final class Builder {
    private final String name;
    private final TrustedRootProvider trustedRoot;
    private final SigningConfigProvider signingConfig;
    private TrustStore trustStore;
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    private Builder(String name, TrustedRootProvider tr, SigningConfigProvider sc) {
      this.name = name;
      this.trustedRoot = tr;
      this.signingConfig = sc;
    }

    /**
     * Trust a private Fulcio's TLS CA. sigstore-java reaches Fulcio over gRPC, which takes its
     * trust only from the JVM-wide {@code javax.net.ssl.trustStore}; {@link SigstoreSigner} sets
     * it before its first call, which affects every TLS client in the JVM. Use a trust store that
     * also holds the CAs your other clients need.
     */
    public Builder trustStore(Path path, String password) {
      this.trustStore = new TrustStore(path, password);
      return this;
    }

    /** Replaces {@link RetryPolicy#DEFAULT}. */
    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public SigstoreInstance build() {
      return new SigstoreInstance(this);
    }
  }
}

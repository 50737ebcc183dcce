package io.driftzero.control;

import io.driftzero.control.demo.Demo;
import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.policy.PolicySet;
import io.driftzero.control.store.Database;
import io.driftzero.core.DzException;
import io.driftzero.core.ExitCodes;
import io.driftzero.core.Version;
import io.driftzero.core.sigstore.BundleVerifier;
import io.driftzero.core.sigstore.SigstoreInstance;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dz-control}: serve the control plane, check a policy, or run the local demo. */
@Command(name = "dz-control", mixinStandardHelpOptions = true, versionProvider = DzControl.VersionProvider.class,
    description = "DriftZero control plane: verifies CI/CD environment attestations against policy, issues"
        + " short-lived scoped credentials, keeps a signed hash-chained audit log.",
    subcommands = {DzControl.Serve.class, DzControl.PolicyCmd.class, DzControl.KeysCmd.class, DzControl.AdminCmd.class,
        Demo.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "1:denied or verification failed", "2:usage or invalid input", "3:unavailable"})
public final class DzControl {
  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  public static int run(String[] args, Map<String, String> env) {
    CommandLine cl = new CommandLine(new DzControl());
    CommandLine serve = cl.getSubcommands().get("serve");
    try {
      serve.setDefaultValueProvider(ServeConfig.load(args, env, serve.getCommandSpec()));
    } catch (DzException e) {
      cl.getErr().println("dz-control: " + e.getMessage());
      return ExitCodes.of(e);
    }
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof DzException dz) {
        line.getErr().println("dz-control: " + dz.getMessage());
        return ExitCodes.of(dz);
      }
      line.getErr().println("dz-control: unexpected error: " + ex);
      return ExitCodes.DENIED;
    });
    return cl.execute(args);
  }

  /** Prints the build's version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dz-control " + Version.get()};
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run dz-control until stopped.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--config", description = "YAML file of settings (option names without dashes as keys);"
        + " each is overridden by its environment variable DZ_<OPTION> and by the command line. Env: DZ_CONFIG.")
    Path config;

    @Option(names = "--data-dir", description = "Directory for the embedded database and signing keys (required)."
        + " Env: DZ_DATA_DIR.")
    Path dataDir;

    @Option(names = "--policy", description = "Policy YAML file, reloaded when it changes (required). Env: DZ_POLICY.")
    Path policy;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one and prints it (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--public-url", description = "URL clients and credential verifiers use (the JWT 'iss'); default http://HOST:PORT.")
    String publicUrl;

    @Option(names = "--jdbc-url", description = "JDBC URL of the store (default: embedded file database in --data-dir). Env: DZ_JDBC_URL.")
    String jdbcUrl;

    @Option(names = "--jdbc-user", description = "Database user. Env: DZ_JDBC_USER.")
    String jdbcUser;

    @Option(names = "--jdbc-pool-size", description = "Store connections per dz-control (default 16; 8 embedded)."
        + " Replicas × pool size must stay under the database's max_connections.")
    Integer poolSize;

    @Option(names = "--jdbc-acquire-timeout", defaultValue = "5", description = "Seconds a request waits for a store"
        + " connection before it gets 503 (default ${DEFAULT-VALUE}).")
    int acquireTimeout;

    @Option(names = "--rate-limit", description = "Per client address, e.g. 50/s (bursts of twice that); excess"
        + " requests get 429 with Retry-After. Default: no limit. /healthz, /readyz and /metrics are never limited.")
    String rateLimit;

    @Option(names = "--admin-tokens", description = "YAML file of admin API tokens (name, role admin|reader, sha256);"
        + " without it the admin API is off. Create entries with 'dz-control admin token'.")
    Path adminTokens;

    @Option(names = "--sigstore-trusted-root", description = "Pinned Sigstore trusted_root.json: keyless attestations are"
        + " verified offline against it. Without it (and without --sigstore-instance) bundles are denied.")
    Path sigstoreTrustedRoot;

    @Option(names = "--sigstore-instance", description = "public-good or staging: load that instance's trusted root"
        + " through TUF once at start (the only network access; decisions stay offline).")
    String sigstoreInstance;

    @Override
    public Integer call() throws Exception {
      if (dataDir == null || policy == null) {
        throw new DzException(DzException.Kind.BAD_INPUT, "give " + (dataDir == null ? "--data-dir (or DZ_DATA_DIR"
            : "--policy (or DZ_POLICY") + ", or that key in the --config file)");
      }
      Map<String, String> env = System.getenv();
      String url = jdbcUrl;
      String user = jdbcUser;
      ControlPlane.Builder b = ControlPlane.builder().dataDir(dataDir).policyFile(policy).host(host).port(port)
          .publicUrl(publicUrl).jdbc(url, user, env.get("DZ_JDBC_PASSWORD"));
      if (poolSize != null && (poolSize < 1 || poolSize > 1000)) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--jdbc-pool-size must be from 1 to 1000");
      }
      if (acquireTimeout < 1) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--jdbc-acquire-timeout must be at least 1 (seconds)");
      }
      String storeUrl = url != null ? url : Database.embeddedUrl(dataDir);
      b.pool(poolSize != null ? poolSize : Database.Pool.defaults(storeUrl).maxSize(), java.time.Duration.ofSeconds(acquireTimeout));
      if (rateLimit != null) {
        try {
          b.rateLimit(io.driftzero.control.api.RateLimiter.parseRate(rateLimit));
        } catch (IllegalArgumentException e) {
          throw new DzException(DzException.Kind.BAD_INPUT, e.getMessage());
        }
      }
      if (adminTokens != null) {
        b.adminTokens(io.driftzero.control.admin.AdminTokens.load(adminTokens));
      }
      if (sigstoreTrustedRoot != null && sigstoreInstance != null) {
        throw new DzException(DzException.Kind.BAD_INPUT, "give --sigstore-trusted-root or --sigstore-instance, not both");
      }
      if (sigstoreTrustedRoot != null) {
        b.sigstore(BundleVerifier.fromTrustedRoot(sigstoreTrustedRoot));
      } else if ("public-good".equals(sigstoreInstance)) {
        b.sigstore(BundleVerifier.create(SigstoreInstance.publicGood()));
      } else if ("staging".equals(sigstoreInstance)) {
        b.sigstore(BundleVerifier.create(SigstoreInstance.staging()));
      } else if (sigstoreInstance != null) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--sigstore-instance must be public-good or staging");
      }
      ControlPlane cp = b.start();
      System.out.println("dz-control " + Version.get() + " listening on " + cp.url() + " (port " + cp.port() + ")");
      System.out.println("store: " + (url == null ? Database.embeddedUrl(dataDir) : "external JDBC"));
      System.out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        cp.close();
        stop.countDown();
      }));
      stop.await();
      return 0;
    }
  }

  @Command(name = "admin", mixinStandardHelpOptions = true, description = "Admin API tools.",
      subcommands = {AdminToken.class})
  static final class AdminCmd {
    // A group: picocli requires one of its subcommands (usage error, exit 2).
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = {"Create an admin API token. Prints the token once (give it to its holder) and the entry,",
          "holding only its SHA-256, to add to the --admin-tokens file."})
  static final class AdminToken implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "Who holds it; appears in audit events as admin:NAME.")
    String name;

    @Option(names = "--role", defaultValue = "reader", description = "reader (read, validate) or admin (also change the policy). Default ${DEFAULT-VALUE}.")
    String role;

    @Override
    public Integer call() throws DzException {
      io.driftzero.control.admin.AdminTokens.Role r;
      try {
        r = io.driftzero.control.admin.AdminTokens.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--role must be admin or reader");
      }
      String[] t = io.driftzero.control.admin.AdminTokens.newToken(name, r);
      System.out.println("token (shown once; store it in the holder's secret store): " + t[0]);
      System.out.println("add to the --admin-tokens file under 'tokens:':");
      System.out.print(t[1]);
      return 0;
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, description = "Signing key tools.",
      subcommands = {KeysRotate.class})
  static final class KeysCmd {
    // A group: picocli requires one of its subcommands (usage error, exit 2).
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Replace the audit and/or credential signing key with a new one. The old public key stays",
          "in the JWKS (keys/retired/), so earlier events and unexpired credentials still verify.",
          "Running replicas that share the data directory sign with the new key within about 2 seconds."})
  static final class KeysRotate implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, description = "The data directory holding keys/.")
    Path dataDir;

    @Option(names = "--key", defaultValue = "both", description = "audit, credential or both (default ${DEFAULT-VALUE}).")
    String which;

    @Override
    public Integer call() throws DzException {
      if (!java.util.Set.of("audit", "credential", "both").contains(which)) {
        throw new DzException(DzException.Kind.BAD_INPUT, "--key must be audit, credential or both");
      }
      java.nio.file.Path keys = dataDir.resolve("keys");
      for (var w : io.driftzero.control.keys.SigningKeys.Which.values()) {
        if (which.equals("both") || which.equalsIgnoreCase(w.name())) {
          String[] kids = io.driftzero.control.keys.SigningKeys.rotate(keys, w);
          System.out.println(w.name().toLowerCase(java.util.Locale.ROOT) + " key rotated: " + kids[0] + " -> " + kids[1]
              + " (old key kept in the JWKS; running replicas switch within seconds)");
        }
      }
      return 0;
    }
  }

  @Command(name = "policy", mixinStandardHelpOptions = true, description = "Policy tools.",
      subcommands = {PolicyCheck.class})
  static final class PolicyCmd {
    // A group: picocli requires one of its subcommands (usage error, exit 2).
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Validate a policy file without starting; errors name the file, line and field.")
  static final class PolicyCheck implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The policy YAML file.")
    Path file;

    @Override
    public Integer call() throws DzException {
      PolicySet ps = PolicyLoader.load(file);
      System.out.println("policy OK: " + file + " (" + ps.hash() + ")");
      System.out.println("  manifests:  " + ps.manifests().size() + " " + ps.manifests().keySet().stream().sorted().toList());
      System.out.println("  agent keys: " + ps.agentKeys().size());
      ps.policies().values().forEach(p -> System.out.println("  policy " + p.id() + ": targets " + p.targets()
          + ", scopes " + p.scopes() + ", max_ttl_seconds " + p.maxTtlSeconds() + ", require_sigstore "
          + p.requireSigstore() + ", require_tpm " + p.requireTpm()));
      return 0;
    }
  }
}

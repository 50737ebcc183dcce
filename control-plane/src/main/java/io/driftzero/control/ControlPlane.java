package io.driftzero.control;

import io.driftzero.control.api.HttpApi;
import io.driftzero.control.api.RateLimiter;
import io.driftzero.control.attest.AttestService;
import io.driftzero.control.attest.Attestations;
import io.driftzero.control.audit.AuditLog;
import io.driftzero.control.credential.CredentialService;
import io.driftzero.control.credential.JwtCredentialIssuer;
import io.driftzero.control.keys.SigningKeys;
import io.driftzero.control.metrics.Metrics;
import io.driftzero.control.nonce.NonceService;
import io.driftzero.control.policy.PolicyStore;
import io.driftzero.control.store.Database;
import io.driftzero.control.verify.AttestationVerifier;
import io.driftzero.control.verify.EvidenceCheck;
import io.driftzero.control.verify.KeySignatureCheck;
import io.driftzero.control.verify.Reasons;
import io.driftzero.control.verify.TpmQuoteCheck;
import io.driftzero.core.DzException;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * dz-control, wired in one place by plain constructor injection: store → policy → verification →
 * decisions → credentials → audit → HTTP. Start with {@link #builder()}; the embedded default needs
 * only a data directory and a policy file.
 */
public final class ControlPlane implements AutoCloseable {
  private final Database db;
  private final Javalin http;
  private final PolicyStore policies;
  private final AuditLog audit;
  private final SigningKeys keys;
  private final String url;

  private ControlPlane(Database db, Javalin http, PolicyStore policies, AuditLog audit, SigningKeys keys, String url) {
    this.db = db;
    this.http = http;
    this.policies = policies;
    this.audit = audit;
    this.keys = keys;
    this.url = url;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options with safe defaults: loopback, embedded store, 120 s nonces, 600 s sessions, 300 s clock skew. */
  public static final class Builder {
    private Path dataDir;
    private Path policyFile;
    private String host = "127.0.0.1";
    private int port = 0;
    private String jdbcUrl;
    private String dbUser;
    private String dbPassword;
    private String publicUrl;
    private Clock clock = Clock.systemUTC();
    private Duration nonceTtl = Duration.ofSeconds(120);
    private Duration sessionTtl = Duration.ofSeconds(600);
    private Duration maxSkew = Duration.ofSeconds(300);
    private Integer poolSize;
    private Duration poolTimeout;
    private Duration stopTimeout = Duration.ofSeconds(30);
    private double rateLimit;
    private io.driftzero.control.admin.AdminTokens adminTokens;
    private final List<EvidenceCheck> extraChecks = new ArrayList<>();

    public Builder dataDir(Path p) { this.dataDir = p; return this; }
    public Builder policyFile(Path p) { this.policyFile = p; return this; }
    public Builder host(String h) { this.host = h; return this; }
    public Builder port(int p) { this.port = p; return this; }
    public Builder jdbc(String url, String user, String password) {
      this.jdbcUrl = url; this.dbUser = user; this.dbPassword = password; return this;
    }
    /** Store connections (default 16, 8 embedded) and how long a request waits for one (default 5 s, then 503). */
    public Builder pool(int size, Duration acquireTimeout) { this.poolSize = size; this.poolTimeout = acquireTimeout; return this; }
    /** How long {@link #close()} waits for requests in flight (default 30 s). */
    public Builder stopTimeout(Duration d) { this.stopTimeout = d; return this; }
    /** Requests per second per client address, bursts of twice that; 0 (the default) is no limit. */
    public Builder rateLimit(double perSecond) { this.rateLimit = perSecond; return this; }
    /** Enables the admin API for these tokens (without it, admin routes answer 401). */
    public Builder adminTokens(io.driftzero.control.admin.AdminTokens t) { this.adminTokens = t; return this; }
    public Builder publicUrl(String u) { this.publicUrl = u; return this; }
    public Builder clock(Clock c) { this.clock = c; return this; }
    public Builder nonceTtl(Duration d) { this.nonceTtl = d; return this; }
    public Builder sessionTtl(Duration d) { this.sessionTtl = d; return this; }
    public Builder maxSkew(Duration d) { this.maxSkew = d; return this; }
    public Builder evidenceCheck(EvidenceCheck c) { this.extraChecks.add(c); return this; }
    /** Verifies keyless (Sigstore) attestations against this pinned trusted root. */
    public Builder sigstore(io.driftzero.core.sigstore.BundleVerifier v) {
      this.extraChecks.add(new io.driftzero.control.verify.SigstoreCheck(v)); return this;
    }

    public ControlPlane start() throws DzException {
      if (dataDir == null || policyFile == null) {
        throw new DzException(DzException.Kind.BAD_INPUT, "dz-control needs --data-dir and --policy");
      }
      if (jdbcUrl != null) {
        Database.describe(jdbcUrl); // a bad --jdbc-url is refused before anything is written
      }
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new DzException(DzException.Kind.BAD_INPUT, "Cannot create data directory " + dataDir + ": "
            + e.getClass().getSimpleName() + "; choose a writable --data-dir");
      }
      PolicyStore policies = new PolicyStore(policyFile, clock);
      SigningKeys keys = SigningKeys.loadOrCreate(dataDir.resolve("keys"));
      String storeUrl = jdbcUrl != null ? jdbcUrl : Database.embeddedUrl(dataDir);
      Database.Pool defaults = Database.Pool.defaults(storeUrl);
      Database db = Database.open(storeUrl, dbUser, dbPassword, new Database.Pool(
          poolSize != null ? poolSize : defaults.maxSize(), poolTimeout != null ? poolTimeout : defaults.acquireTimeout()));
      try {
        AtomicReference<String> url = new AtomicReference<>(publicUrl);
        Metrics metrics = new Metrics();
        AuditLog audit = new AuditLog(db, keys::audit, metrics::decision);
        metrics.chainHeight(audit::height);
        NonceService nonces = new NonceService(db, clock, nonceTtl);
        List<EvidenceCheck> checks = new ArrayList<>();
        checks.add(new KeySignatureCheck());
        checks.add(new TpmQuoteCheck());
        checks.addAll(extraChecks);
        checks.add(unverifiableEvidence(checks));
        AttestationVerifier verifier = new AttestationVerifier(clock, maxSkew, checks);
        AttestService attest = new AttestService(policies, nonces, verifier, audit, clock, sessionTtl);
        Attestations attestations = new Attestations(db);
        CredentialService credentials = new CredentialService(attestations, policies,
            new JwtCredentialIssuer(url::get, keys::credential), audit, clock);
        RateLimiter limiter = rateLimit > 0 ? new RateLimiter(rateLimit, Math.max(1, 2 * rateLimit), System::nanoTime) : null;
        Javalin http = HttpApi.create(new HttpApi.Services(url::get, db, attest, credentials, audit, keys, nonces, metrics,
            attestations),
            new HttpApi.Options(stopTimeout, limiter));
        io.driftzero.control.admin.AdminApi.register(http, adminTokens,
            new io.driftzero.control.admin.AdminService(policies, audit, clock, keys), policies);
        http.start(host, port);
        String actual = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.port();
        url.compareAndSet(null, actual);
        return new ControlPlane(db, http, policies, audit, keys, url.get());
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }

    /**
     * Deny-by-default for evidence nobody here can verify: a Sigstore bundle or hardware anchor with
     * no registered checker is refused, never waved through.
     */
    private static EvidenceCheck unverifiableEvidence(List<EvidenceCheck> registered) {
      boolean sigstore = registered.stream().anyMatch(EvidenceCheck::verifiesSigstore);
      java.util.Set<String> anchors = new java.util.HashSet<>();
      registered.forEach(c -> anchors.addAll(c.anchorTypes()));
      return (req, st, ps, p) -> {
        List<io.driftzero.core.model.Reason> out = new ArrayList<>();
        if (!sigstore && req.attestation().sigstore() != null) {
          out.add(Reasons.of(Reasons.SIGSTORE_NOT_CONFIGURED,
              "this dz-control has no Sigstore trusted root configured, so the bundle cannot be verified"));
        }
        if (req.attestation().hardwareAnchor() != null && !anchors.contains(req.attestation().hardwareAnchor().type())) {
          out.add(Reasons.of(Reasons.HARDWARE_ANCHOR_UNSUPPORTED, "hardware_anchor type '"
              + req.attestation().hardwareAnchor().type() + "' cannot be verified by this dz-control"));
        }
        return out;
      };
    }
  }

  public String url() {
    return url;
  }

  public int port() {
    return http.port();
  }

  public Database database() {
    return db;
  }

  public PolicyStore policies() {
    return policies;
  }

  public AuditLog audit() {
    return audit;
  }

  public SigningKeys keys() {
    return keys;
  }

  /**
   * Stops taking connections, waits for requests in flight (up to the stop timeout) so each gets its
   * answer, and only then closes the store's pool: a request never loses its connection mid-commit
   * to a shutdown.
   */
  @Override
  public void close() {
    try {
      http.stop();
    } finally {
      db.close();
    }
  }
}

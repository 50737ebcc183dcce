package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.DzException;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.client.DzClient;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.model.HardwareAnchor;
import io.driftzero.core.model.Reason;
import io.driftzero.core.model.SignatureBlock;
import io.driftzero.core.model.SigstoreBlock;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.KeyFileSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One real dz-control for a test class: embedded H2 file store in a temp dir, a policy file written
 * here, an enrolled agent key, a hand-moved clock and a real HTTP client on loopback.
 */
public final class TestStack implements AutoCloseable {
  public static final Instant START = Instant.parse("2030-01-01T10:00:00Z");
  public static final String POLICY = "dz://policy/deploy-prod";
  public static final String SIGSTORE_POLICY = "dz://policy/sigstore-only";
  public static final String TPM_POLICY = "dz://policy/tpm-only";
  public static final String ACTOR = "github.com/org/app/.github/workflows/deploy.yml@refs/heads/main";
  /** Claimable by the agent key (github.com/org/*) but not allowed by any policy. */
  public static final String OTHER_ACTOR = "github.com/org/other/.github/workflows/x.yml@refs/heads/main";
  public static final String TARGET = "aws-prod-account-1234";
  public static final String SCOPE = "deploy";
  public static final int MAX_TTL = 900;
  public static final String MANIFEST_ID = "dz://env/build-release";
  public static final String MANIFEST_VERSION = "2.4";
  /** Defined in the policy file but allowed by no policy. */
  public static final String SPARE_MANIFEST_ID = "dz://env/spare";

  public final Path dir;
  public final Path policyFile;
  public final ECKey agentKey;
  /** Enrolled, but bound to gitlab.com/other/* only. */
  public final ECKey otherKey;
  public final Manifest manifest;
  public final Manifest spareManifest;
  public final MutableClock clock;
  public final ControlPlane cp;
  public final DzClient client;

  private TestStack(Path dir) throws DzException, IOException {
    this.dir = dir;
    this.agentKey = EcKeys.generate();
    this.otherKey = EcKeys.generate();
    this.manifest = new Manifest(MANIFEST_ID, MANIFEST_VERSION, null,
        Map.of("os.arch", List.of("amd64"), "env.DEPLOY_ENV", List.of("prod", "staging")));
    this.spareManifest = new Manifest(SPARE_MANIFEST_ID, "1.0", null, Map.of("os.arch", List.of("amd64")));
    this.policyFile = dir.resolve("policy.yaml");
    Files.writeString(policyFile, policyYaml(true));
    this.clock = new MutableClock(START);
    this.cp = ControlPlane.builder().dataDir(dir.resolve("data")).policyFile(policyFile).clock(clock)
        .nonceTtl(Duration.ofSeconds(120)).sessionTtl(Duration.ofSeconds(600)).maxSkew(Duration.ofSeconds(300))
        .start();
    this.client = DzClient.builder(cp.url()).attempts(1).build();
  }

  public static TestStack start(Path dir) throws DzException, IOException {
    return new TestStack(dir);
  }

  /** The policy file this stack runs on; {@code withBuildRelease=false} drops the main manifest. */
  public String policyYaml(boolean withBuildRelease) {
    StringBuilder y = new StringBuilder("version: 1\nmanifests:\n");
    if (withBuildRelease) {
      y.append("  - id: ").append(MANIFEST_ID).append("\n    version: \"2.4\"\n    facts:\n")
          .append("      os.arch: amd64\n      env.DEPLOY_ENV: [prod, staging]\n");
    }
    y.append("  - id: ").append(SPARE_MANIFEST_ID).append("\n    version: \"1.0\"\n    facts:\n      os.arch: amd64\n");
    y.append("agent_keys:\n");
    y.append("  - id: runner-pool-a\n    actors: [\"github.com/org/*\"]\n    public_key: |\n")
        .append(indent(EcKeys.publicPem(agentKey), 6));
    y.append("  - id: other-pool\n    actors: [\"gitlab.com/other/*\"]\n    public_key: |\n")
        .append(indent(EcKeys.publicPem(otherKey), 6));
    String manifests = withBuildRelease ? "[\"" + MANIFEST_ID + "@2.4\"]" : "[\"" + SPARE_MANIFEST_ID + "@1.0\"]";
    y.append("policies:\n");
    for (String[] p : new String[][] {{POLICY, "false", "false"}, {SIGSTORE_POLICY, "true", "false"},
        {TPM_POLICY, "false", "true"}}) {
      y.append("  - id: ").append(p[0]).append('\n')
          .append("    actors: [\"github.com/org/app/*\"]\n")
          .append("    manifests: ").append(manifests).append('\n')
          .append("    targets: [\"").append(TARGET).append("\"]\n")
          .append("    scopes: [\"").append(SCOPE).append("\"]\n")
          .append("    max_ttl_seconds: ").append(MAX_TTL).append('\n')
          .append("    require_sigstore: ").append(p[1]).append('\n')
          .append("    require_tpm: ").append(p[2]).append('\n');
      if ("true".equals(String.valueOf(p[1]))) {
        // require_sigstore must name the keyless signers it accepts; nothing here signs keylessly.
        y.append("    sigstore_identities:\n      - issuer: https://token.actions.githubusercontent.com\n")
            .append("        subject: https://github.com/org/repo/.github/workflows/deploy.yml@refs/heads/main\n");
      }
    }
    return y.toString();
  }

  private static String indent(String pem, int n) {
    String pad = " ".repeat(n);
    StringBuilder sb = new StringBuilder();
    for (String line : pem.trim().split("\n")) {
      sb.append(pad).append(line).append('\n');
    }
    return sb.toString();
  }

  /** Measurements that satisfy the manifest. */
  public static Map<String, String> goodMeasurements() {
    Map<String, String> m = new TreeMap<>();
    m.put("os.arch", "amd64");
    m.put("env.DEPLOY_ENV", "prod");
    m.put("os.name", "Linux");
    return m;
  }

  /** A fresh, in-policy draft: fresh nonce, now-timestamp, enrolled key. Change fields, then build. */
  public Draft draft() throws DzException {
    return new Draft(client.nonce().nonce());
  }

  /** A mutable attest request under construction. */
  public final class Draft {
    public String policy = POLICY;
    public String manifestId = MANIFEST_ID;
    public String manifestHash = manifest.hash();
    public String manifestVersion = MANIFEST_VERSION;
    public Map<String, String> measurements = goodMeasurements();
    public String nonce;
    public String timestamp = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    public String agentVersion = "1.2.0";
    public HardwareAnchor anchor;
    public String actor = ACTOR;
    public ECKey signer = agentKey;
    public String algorithm = SignatureBlock.ECDSA_P256_SHA256;
    public SigstoreBlock sigstore;

    Draft(String nonce) {
      this.nonce = nonce;
    }

    public EnvironmentAttestation statement() {
      return new EnvironmentAttestation(manifestId, manifestHash, manifestVersion, measurements, nonce, timestamp,
          agentVersion, anchor, new Actor("pipeline", actor));
    }

    public AttestRequest build() throws DzException {
      EnvironmentAttestation s = statement();
      SignatureBlock sig = null;
      if (signer != null) {
        SignatureBlock b = KeyFileSigner.of(signer).sign(s).signature();
        sig = new SignatureBlock(algorithm, b.keyId(), b.value());
      }
      return AttestRequest.of(policy, s, sig, sigstore);
    }
  }

  /** A good attestation, accepted. */
  public AttestResponse accepted() throws DzException {
    AttestResponse r = client.attest(draft().build());
    assertEquals(AttestResponse.ACCEPTED, r.result(), () -> "expected ACCEPTED: " + r.reasons());
    return r;
  }

  public static Set<String> codes(List<Reason> reasons) {
    return reasons == null ? Set.of() : reasons.stream().map(Reason::code).collect(Collectors.toSet());
  }

  /** Submits {@code req}, asserts DENIED with exactly {@code codes}, a committed signed event, no credential. */
  public AttestResponse assertAttestDenied(AttestRequest req, String... codes) throws DzException {
    AttestResponse r = client.attest(req);
    assertEquals(AttestResponse.DENIED, r.result());
    assertEquals(Set.of(codes), codes(r.reasons()), () -> "reasons: " + r.reasons());
    assertNull(r.sessionToken(), "a denial carries no session token");
    AuditEvent e = assertSignedEvent(r.auditId(), AuditEvent.ATTEST, "DENIED", Set.of(codes));
    assertEquals(r.attestationId(), e.attestationId());
    assertEquals(0, credentialRows(r.attestationId()), "no credential for a denied attestation");
    return r;
  }

  /** Fetches the event over HTTP and checks action, result, reason codes and its signature (JWKS). */
  public AuditEvent assertSignedEvent(String auditId, String action, String result, Set<String> codes)
      throws DzException {
    AuditEvent e = client.auditEvent(auditId);
    assertEquals(auditId, e.auditId());
    assertEquals(action, e.action());
    assertEquals(result, e.result());
    assertEquals(codes, codes(e.reasons()));
    assertNull(new AuditVerifier(client.jwks()).signatureProblem(e), "event signature verifies against the JWKS");
    return e;
  }

  public long credentialRows(String attestationId) {
    return count("SELECT COUNT(*) FROM credentials WHERE attestation_id = ?", attestationId);
  }

  public long count(String sql, Object... args) {
    try (Connection c = cp.database().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Height, head hash, and the whole chain verification: a snapshot to compare before/after. */
  public record ChainState(long height, String head, AuditVerifier.Report report) {}

  public ChainState chain() throws DzException {
    List<AuditEvent> all = client.allAuditEvents(Map.of());
    AuditVerifier.Report report = new AuditVerifier(client.jwks()).verifyChain(all);
    assertTrue(report.ok(), report::summary);
    return new ChainState(cp.audit().height(), report.headHash(), report);
  }

  private static final okhttp3.OkHttpClient RAW = new okhttp3.OkHttpClient.Builder()
      .retryOnConnectionFailure(false).build();

  /** A raw HTTP answer: status, body and content type. */
  public record Reply(int code, String body, String contentType) {}

  /** Any request, byte for byte as given: for malformed input the typed client cannot send. */
  public Reply raw(String method, String path, String body, String contentType, String... headers) {
    okhttp3.RequestBody rb = body == null ? null
        : okhttp3.RequestBody.create(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            contentType == null ? null : okhttp3.MediaType.get(contentType));
    okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(cp.url() + path).method(method, rb);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try (okhttp3.Response r = RAW.newCall(b.build()).execute()) {
      return new Reply(r.code(), r.body() == null ? "" : r.body().string(), r.header("Content-Type"));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    }
  }

  public Reply get(String path) {
    return raw("GET", path, null, null);
  }

  public Reply postJson(String path, String json, String... headers) {
    return raw("POST", path, json, "application/json", headers);
  }

  @Override
  public void close() {
    cp.close();
  }
}

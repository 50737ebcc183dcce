package io.driftzero.control.store;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.control.ControlPlane;
import io.driftzero.core.DzException;
import io.driftzero.core.Version;
import io.driftzero.core.audit.AuditVerifier;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.EnvironmentMeasurer;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.measure.SystemProbe;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.EnvironmentAttestation;
import io.driftzero.core.sign.EcKeys;
import io.driftzero.core.sign.KeyFileSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the store, replica and outage tests share: an enrolled agent key, an approved manifest of this
 * machine, a policy, signed attest requests, and checks that read the store directly (the whole chain
 * verified with {@link AuditVerifier}; every issued {@code jti} against its ISSUED event).
 */
public final class StoreHarness {
  public static final String POLICY = "dz://policy/store-deploy";
  public static final String TARGET = "prod-store";
  public static final String ACTOR_PREFIX = "github.com/acme/";

  private final Path policyFile;
  private final KeyFileSigner signer;
  private final Manifest manifest;
  private final Map<String, String> measurements;

  /** Writes an agent key, a manifest and a policy into {@code dir}. */
  public StoreHarness(Path dir) throws IOException {
    Files.createDirectories(dir);
    ECKey agentKey = EcKeys.generate();
    signer = KeyFileSigner.of(agentKey);
    EnvironmentMeasurer measurer = new EnvironmentMeasurer(Map.of(), SystemProbe.local());
    manifest = Manifest.fromMeasurements("dz://env/store-runner", "1.0", null, measurer.measure(List.of()));
    measurements = measurer.measure(manifest);
    Files.writeString(dir.resolve("store-runner.yaml"), manifest.toYaml());
    String pem = EcKeys.publicPem(agentKey).trim().replace("\n", "\n      ");
    policyFile = dir.resolve("policy.yaml");
    Files.writeString(policyFile, "manifests:\n  - file: store-runner.yaml\n"
        + "agent_keys:\n  - id: runner\n    actors: [\"" + ACTOR_PREFIX + "*\"]\n    public_key: |\n      " + pem + "\n"
        + "policies:\n  - id: " + POLICY + "\n    actors: [\"" + ACTOR_PREFIX + "*\"]\n"
        + "    manifests: [\"dz://env/store-runner\"]\n    targets: [" + TARGET + "]\n    scopes: [deploy]\n"
        + "    max_ttl_seconds: 600\n");
  }

  public Path policyFile() {
    return policyFile;
  }

  /** A builder for dz-control on {@code store} with its keys in {@code dataDir}. */
  public ControlPlane.Builder controlPlane(Path dataDir, Store store) {
    ControlPlane.Builder b = ControlPlane.builder().dataDir(dataDir).policyFile(policyFile);
    return store.jdbcUrl() == null ? b : b.jdbc(store.jdbcUrl(), store.user(), store.password());
  }

  /** A signed attest request for {@code nonce}, as {@code actor} (under {@link #ACTOR_PREFIX}). */
  public AttestRequest attestRequest(String nonce, String actor) throws DzException {
    EnvironmentAttestation s = new EnvironmentAttestation(manifest.id(), manifest.hash(), manifest.version(),
        measurements, nonce, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), Version.get(), null,
        new Actor("pipeline", actor));
    return AttestRequest.of(POLICY, s, signer.sign(s).signature(), null);
  }

  /** Where a test's dz-control keeps its data: embedded (null URL) or an external JDBC database. */
  public record Store(String name, String jdbcUrl, String user, String password) {
    public static Store embedded() {
      return new Store("h2-file", null, null, null);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The JDBC URL a test reads the store through: the external one, or the embedded file in {@code dataDir}. */
  public static Connection connect(Store store, Path dataDir) throws SQLException {
    return store.jdbcUrl() == null
        ? DriverManager.getConnection(Database.embeddedUrl(dataDir))
        : DriverManager.getConnection(store.jdbcUrl(), store.user(), store.password());
  }

  /** The whole chain as stored, oldest first. */
  public static List<AuditEvent> storedChain(Connection c) throws SQLException {
    List<AuditEvent> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT event_json FROM audit_events ORDER BY seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        try {
          out.add(Json.mapper().readValue(rs.getString(1), AuditEvent.class));
        } catch (IOException e) {
          throw new SQLException("stored event is not JSON", e);
        }
      }
    }
    return out;
  }

  /** Verifies the stored chain (signatures and links) and that its head row matches its last event. */
  public static AuditVerifier.Report verifyStoredChain(Connection c, JWKSet jwks) throws SQLException {
    List<AuditEvent> chain = storedChain(c);
    AuditVerifier.Report r = new AuditVerifier(jwks).verifyChain(chain);
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_hash FROM audit_head WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (r.ok() && (rs.getLong(1) != chain.size() || !rs.getString(2).equals(r.headHash()))) {
        return new AuditVerifier.Report(false, r.checked(), rs.getLong(1), null,
            "audit_head (seq " + rs.getLong(1) + ") does not match the chain's last event (seq " + chain.size() + ")", null);
      }
    }
    return r;
  }

  /**
   * Every problem with issued credentials: a {@code jti} in {@code credentials} whose committed ISSUED
   * event is missing or names another credential, and an ISSUED event with no {@code credentials} row.
   */
  public static List<String> credentialProblems(Connection c) throws SQLException {
    Map<String, String> issuedEventJtiByAuditId = new HashMap<>();
    for (AuditEvent e : storedChain(c)) {
      if (AuditEvent.CREDENTIAL_ISSUE.equals(e.action()) && "ISSUED".equals(e.result())) {
        issuedEventJtiByAuditId.put(e.auditId(), e.credentialId());
      }
    }
    List<String> problems = new ArrayList<>();
    int rows = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT jti, audit_id FROM credentials");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows++;
        String jti = rs.getString(1);
        String eventJti = issuedEventJtiByAuditId.get(rs.getString(2));
        if (!jti.equals(eventJti)) {
          problems.add("jti " + jti + " has no committed ISSUED event naming it (audit_id " + rs.getString(2) + ")");
        }
      }
    }
    if (rows != issuedEventJtiByAuditId.size()) {
      problems.add(rows + " credentials rows but " + issuedEventJtiByAuditId.size() + " ISSUED events");
    }
    return problems;
  }
}

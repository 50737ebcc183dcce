package io.driftzero.control.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import io.driftzero.control.ControlPlane;
import io.driftzero.control.store.Postgres;
import io.driftzero.control.store.RawApi;
import io.driftzero.control.store.StoreHarness;
import io.driftzero.core.audit.AuditVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped fat jar as a replica in its own JVM, killed with SIGKILL while clients drive
 * attest+credential flows through it and through a second replica on the same PostgreSQL database.
 * Whatever the killed process had in flight is rolled back by PostgreSQL, so afterwards every
 * {@code jti} on record has its committed ISSUED event, every credential a client received is on
 * record, the chain verifies, and the surviving replica keeps appending to it.
 */
class ReplicaKillIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+) \\(port (\\d+)\\)");

  @RegisterExtension static final Postgres PG = new Postgres();
  @TempDir static Path dir;

  @Test
  void replicaKilledMidLoadLosesNothingAndTheOtherCarriesOn() throws Exception {
    Path jar = Path.of("target", "dz-control.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "run after 'mvn package': the shaded jar " + jar + " is missing");
    StoreHarness harness = new StoreHarness(dir.resolve("admin"));
    StoreHarness.Store store = new StoreHarness.Store("postgresql", PG.url(), PG.user(), PG.password());
    Path data = dir.resolve("shared");

    // Replica B in this JVM creates the shared keys; replica A, the process to kill, loads them.
    try (ControlPlane b = harness.controlPlane(data, store).start()) {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString(), "serve", "--data-dir", data.toString(), "--policy", harness.policyFile().toString(),
          "--port", "0", "--jdbc-url", PG.url())
          .redirectError(dir.resolve("replica-a.log").toFile());
      pb.environment().put("DZ_JDBC_USER", PG.user());
      if (PG.password() != null) {
        pb.environment().put("DZ_JDBC_PASSWORD", PG.password());
      }
      Process a = pb.start();
      try {
        String urlA = awaitListening(a);
        JWKSet jwks = io.driftzero.core.client.DzClient.builder(b.url()).build().jwks();
        assertEquals(jwks.toString(), io.driftzero.core.client.DzClient.builder(urlA).build().jwks().toString());

        List<String> received = Collections.synchronizedList(new ArrayList<>());
        List<Integer> statusesB = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          boolean onA = i < 3;
          RawApi api = new RawApi(onA ? urlA : b.url(), harness);
          Thread t = new Thread(() -> {
            for (int n = 0; n < 5000 && !stop.get(); n++) {
              try {
                RawApi.Flow f = api.flow();
                if (f.jti() != null) {
                  received.add(f.jti());
                }
                if (!onA) {
                  statusesB.addAll(f.statuses());
                }
              } catch (Exception e) {
                if (!onA) {
                  throw new IllegalStateException("replica B failed", e);
                }
                return; // A is gone: its clients see the connection drop, as they would in production
              }
            }
          }, "load-" + (onA ? "a" : "b") + i);
          t.start();
          clients.add(t);
        }
        for (int i = 0; i < 2400 && received.size() < 30; i++) {
          Thread.sleep(25);
        }
        assertTrue(received.size() >= 30, "load did not get going: " + received.size() + " credentials");
        new ProcessBuilder("kill", "-9", Long.toString(a.pid())).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        assertTrue(a.waitFor(30, TimeUnit.SECONDS), "replica A should be dead");
        assertEquals(137, a.exitValue(), "killed by SIGKILL");
        int atKill = received.size();
        for (int i = 0; i < 2400 && received.size() < atKill + 10; i++) {
          Thread.sleep(25);
        }
        stop.set(true);
        for (Thread t : clients) {
          t.join(60_000);
        }
        assertTrue(received.size() >= atKill + 10, "replica B should carry on after A is killed");
        assertTrue(statusesB.stream().allMatch(s -> s == 200), "replica B answered " + new java.util.TreeSet<>(statusesB));

        try (Connection c = StoreHarness.connect(store, null)) {
          AuditVerifier.Report r = StoreHarness.verifyStoredChain(c, jwks);
          assertTrue(r.ok(), r::summary);
          assertEquals(List.of(), StoreHarness.credentialProblems(c));
          for (String jti : received) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM credentials WHERE jti = ?")) {
              ps.setString(1, jti);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1), "a credential a client received must be on record: " + jti);
              }
            }
          }
          System.out.printf("replica A killed after %d credentials; %d in all; chain of %d events verifies%n",
              atKill, received.size(), r.checked());
        }
      } finally {
        a.destroyForcibly();
        a.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Reads the child's stdout until its "listening on URL (port N)" line; bounded. */
  private static String awaitListening(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            return m.group(1);
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    String u = url.get(120, TimeUnit.SECONDS);
    if (u == null) {
      throw new AssertionError("dz-control exited before listening (exit " + (p.isAlive() ? "?" : p.exitValue())
          + "); see replica-a.log: " + Files.readString(dir.resolve("replica-a.log")));
    }
    return u;
  }
}

package io.driftzero.control.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for a test class: a fresh, empty database ({@code dz_<random>}) on the private
 * test cluster that {@code scripts/postgres.sh} runs. Register it with
 * {@code @RegisterExtension static final Postgres PG = new Postgres();} and pass {@link #url()},
 * {@link #user()} and {@link #password()} to {@code ControlPlane.builder().jdbc(...)}.
 *
 * <p>The cluster: {@code DZ_TEST_PG_URL} (env or system property, a base URL such as
 * {@code jdbc:postgresql://127.0.0.1:5432/}, with {@code DZ_TEST_PG_USER} / {@code DZ_TEST_PG_PASSWORD})
 * names one that is already running; otherwise the first test class in the JVM starts this
 * checkout's private cluster and a shutdown hook stops it when the JVM ends (if it was already
 * running, it is used and left running). When PostgreSQL is not installed the tests fail with {@link #NOT_INSTALLED}; they
 * do not skip, because a store test that silently does not run proves nothing.
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback {
  public static final String NOT_INSTALLED = "PostgreSQL is needed by the store tests and could not be started:"
      + " run scripts/install-test-deps.sh (Debian package 'postgresql'), or point DZ_TEST_PG_URL at a running server";

  private static Cluster cluster;

  private String url;

  /** A running cluster: its JDBC base URL, and whether it is this checkout's private one (which tests may stop and start). */
  private record Cluster(String baseUrl, String user, String password, boolean managed) {}

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    url = createDatabase();
  }

  /**
   * Drops the class's database (after the class's own {@code @AfterAll} closed its control planes), so
   * a cluster kept between runs does not grow by a database per test class. FORCE ends sessions a
   * test left open.
   */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (url == null) {
      return;
    }
    String name = url.substring(url.lastIndexOf('/') + 1);
    Cluster c = cluster();
    try (Connection admin = DriverManager.getConnection(c.baseUrl() + "postgres", c.user(), c.password());
        Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /** The JDBC URL of this test class's own database. */
  public String url() {
    return url;
  }

  public String user() {
    return cluster().user();
  }

  public String password() {
    return cluster().password();
  }

  /** Creates a fresh database and returns its JDBC URL. */
  public static String createDatabase() throws SQLException {
    Cluster c = cluster();
    String name = "dz_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection admin = DriverManager.getConnection(c.baseUrl() + "postgres", c.user(), c.password());
        Statement st = admin.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return c.baseUrl() + name;
  }

  /** Whether the cluster is the private one of scripts/postgres.sh, so that a test may stop and start it. */
  public static boolean managed() {
    return cluster().managed();
  }

  /** Stops the server (fast shutdown: open sessions are cut, like a database failover). */
  public static void stopServer() {
    requireManaged();
    script("stop");
  }

  /** Starts the server again on the same port with the same data. */
  public static void startServer() {
    requireManaged();
    script("start");
  }

  private static void requireManaged() {
    if (!cluster().managed()) {
      throw new IllegalStateException("this test stops and starts PostgreSQL, so it needs the private cluster"
          + " of scripts/postgres.sh; unset DZ_TEST_PG_URL");
    }
  }

  private static synchronized Cluster cluster() {
    if (cluster != null) {
      return cluster;
    }
    String external = setting("DZ_TEST_PG_URL");
    if (external != null) {
      String base = external.endsWith("/") ? external : external + "/";
      String user = setting("DZ_TEST_PG_USER");
      cluster = new Cluster(base, user == null ? "postgres" : user, setting("DZ_TEST_PG_PASSWORD"), false);
      return cluster;
    }
    boolean wasRunning = run(List.of("status")).exitCode == 0;
    Result started = run(List.of("start"));
    if (started.exitCode != 0) {
      throw new IllegalStateException(NOT_INSTALLED + ". scripts/postgres.sh start said: " + started.output.trim());
    }
    String base = started.output.trim().lines().reduce((a, b) -> b).orElse("");
    if (!wasRunning) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> run(List.of("stop")), "dz-test-postgres-stop"));
    }
    // Left running by someone (or by a JVM that died before its hook ran): use it, and leave it running.
    cluster = new Cluster(base, "postgres", null, true);
    return cluster;
  }

  private static String setting(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      v = System.getenv(name);
    }
    return v == null || v.isBlank() ? null : v;
  }

  private static void script(String command) {
    Result r = run(List.of(command));
    if (r.exitCode != 0) {
      throw new IllegalStateException("scripts/postgres.sh " + command + " failed: " + r.output.trim());
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> args) {
    Path script = findScript();
    try {
      Path out = Files.createTempFile("dz-pg-", ".out");
      try {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(124, "scripts/postgres.sh " + args + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Result(127, "cannot run " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, "interrupted");
    }
  }

  /** scripts/postgres.sh of this checkout, found upward from the working directory (the module). */
  private static Path findScript() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path s = d.resolve("scripts/postgres.sh");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new IllegalStateException("scripts/postgres.sh not found above " + dir + "; run the tests from the checkout");
  }
}

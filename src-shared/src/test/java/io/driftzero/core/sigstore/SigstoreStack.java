package io.driftzero.core.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: the local Sigstore stack of {@code scripts/sigstore-stack} (a Fulcio on
 * {@code @sigstore/mock}'s CA and CT log over gRPC/TLS, and a Merkle-tree Rekor v1) on 127.0.0.1.
 * Runs {@code npm ci} once if node_modules is missing, starts {@code node src/stack.js}, waits for
 * its ready line and stops it on {@link #close()}. Fails, never skips, when node is missing.
 *
 * <p>All stacks of one JVM share one TLS CA ({@link #sharedTlsDir()}), because the JVM's default
 * trust store, which sigstore-java's gRPC client uses, is read once.
 */
public final class SigstoreStack implements AutoCloseable {
  private static final String READY = "SIGSTORE_STACK_READY ";
  private static final List<String> PROTOS = List.of("fulcio.proto", "google/api/annotations.proto",
      "google/api/http.proto", "google/api/field_behavior.proto");
  private static Path sharedTls;

  private final Process process;
  private final Path out;
  private final JsonNode info;

  private SigstoreStack(Process process, Path out, JsonNode info) {
    this.process = process;
    this.out = out;
    this.info = info;
  }

  /** A stack whose Rekor stamps entries with the real time. */
  public static SigstoreStack start() {
    return start(0);
  }

  /**
   * A stack whose Rekor integrates entries {@code rekorClockOffsetSeconds} away from now — an
   * honestly signed SET with an integrated time outside the certificate's validity.
   */
  public static SigstoreStack start(int rekorClockOffsetSeconds) {
    Path dir = scriptsDir();
    NodeTool.ensureInstalled(dir);
    try {
      Path out = Files.createTempDirectory("dz-sigstore-stack-");
      Path protoDir = extractProtos(out.resolve("proto"));
      ProcessBuilder pb = new ProcessBuilder(NodeTool.node(), "src/stack.js", "--out", out.toString(),
          "--proto-dir", protoDir.toString(), "--tls-dir", sharedTlsDir().toString(),
          "--rekor-clock-offset", Integer.toString(rekorClockOffsetSeconds))
          .directory(dir.toFile())
          .redirectError(out.resolve("stack.log").toFile());
      Process p = pb.start();
      JsonNode info = awaitReady(p, out);
      return new SigstoreStack(p, out, info);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the Sigstore test stack in " + dir, e);
    }
  }

  /** Points the JVM's default TLS trust at the stack's CA; call before sigstore-java's first gRPC call. */
  public SigstoreStack trustTlsForJvm() {
    System.setProperty("javax.net.ssl.trustStore", truststore().toString());
    System.setProperty("javax.net.ssl.trustStorePassword", truststorePassword());
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    return this;
  }

  public Path trustedRoot() { return Path.of(info.get("trustedRoot").asText()); }
  public Path signingConfig() { return Path.of(info.get("signingConfig").asText()); }
  public Path truststore() { return Path.of(info.get("truststore").asText()); }
  public String truststorePassword() { return info.get("truststorePassword").asText(); }
  /** Fulcio gRPC (TLS) URL, as in the signing config. */
  public String fulcioUrl() { return info.get("fulcioUrl").asText(); }
  /** Fulcio REST URL (plain HTTP), for sigstore-js. */
  public String fulcioHttpUrl() { return info.get("fulcioHttpUrl").asText(); }
  public String rekorUrl() { return info.get("rekorUrl").asText(); }
  public Path outDir() { return out; }
  public Path scriptDir() { return scriptsDir(); }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: the stack closes its servers and exits
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteTree(out);
  }

  /** Best-effort removal of a temporary directory this fixture created. */
  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // temporary files only; leaving them is harmless
    }
  }

  /** scripts/sigstore-stack, found from the working directory upwards (works from any module). */
  public static Path scriptsDir() {
    String override = System.getProperty("driftzero.sigstoreStackDir");
    if (override != null) {
      return Path.of(override);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("scripts/sigstore-stack/package.json"))) {
        return d.resolve("scripts/sigstore-stack");
      }
    }
    throw new IllegalStateException("Cannot find scripts/sigstore-stack above " + Path.of("").toAbsolutePath()
        + "; set -Ddriftzero.sigstoreStackDir");
  }

  static synchronized Path sharedTlsDir() throws IOException {
    if (sharedTls == null) {
      Path dir = Files.createTempDirectory("dz-sigstore-tls-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      sharedTls = dir;
    }
    return sharedTls;
  }

  // fulcio.proto and its google/api imports ship at the root of the sigstore-java jar.
  private static Path extractProtos(Path dir) throws IOException {
    for (String name : PROTOS) {
      try (InputStream in = SigstoreStack.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException(name + " is not on the test classpath (it ships in sigstore-java)");
        }
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(in, target);
      }
    }
    return dir;
  }

  private static JsonNode awaitReady(Process p, Path out) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith(READY)) {
            return line.substring(READY.length());
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    String json;
    try {
      json = ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      json = null;
    }
    if (json == null) {
      p.destroyForcibly();
      throw new IllegalStateException("The Sigstore test stack did not become ready; its log:\n"
          + Files.readString(out.resolve("stack.log")));
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    Thread drain = new Thread(() -> {
      try {
        while (r.readLine() != null) { /* discard */ }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "sigstore-stack-stdout");
    drain.setDaemon(true);
    drain.start();
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("Unreadable ready line from the Sigstore test stack: " + json, e);
    }
  }
}

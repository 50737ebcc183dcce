package io.driftzero.core.measure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where measurements come from: the operating system, behind an interface so tests can feed facts. */
public interface SystemProbe {
  /** A JVM system property. */
  Optional<String> property(String name);

  /** A small text file's content, trimmed. */
  Optional<String> readText(Path file);

  boolean exists(Path file);

  /** SHA-256 hex of a file's bytes. */
  Optional<String> sha256(Path file);

  /** First non-empty line of {@code command --version}, or empty if it cannot run. */
  Optional<String> toolVersion(String command);

  /** The real machine. */
  static SystemProbe local() {
    return new SystemProbe() {
      @Override
      public Optional<String> property(String name) {
        return Optional.ofNullable(System.getProperty(name));
      }

      @Override
      public Optional<String> readText(Path file) {
        try {
          return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | RuntimeException e) {
          return Optional.empty();
        }
      }

      @Override
      public boolean exists(Path file) {
        return Files.exists(file);
      }

      @Override
      public Optional<String> sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file),
            MessageDigest.getInstance("SHA-256"))) {
          DigestInputStream d = (DigestInputStream) in;
          d.transferTo(java.io.OutputStream.nullOutputStream());
          return Optional.of(HexFormat.of().formatHex(d.getMessageDigest().digest()));
        } catch (IOException | NoSuchAlgorithmException e) {
          return Optional.empty();
        }
      }

      @Override
      public Optional<String> toolVersion(String command) {
        try {
          Process p = new ProcessBuilder(List.of(command, "--version")).redirectErrorStream(true).start();
          p.getOutputStream().close();
          String first = null;
          try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              if (first == null && !line.isBlank()) {
                first = line.trim();
              }
            }
          }
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return Optional.empty();
          }
          return Optional.ofNullable(first);
        } catch (IOException e) {
          return Optional.empty();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    };
  }
}

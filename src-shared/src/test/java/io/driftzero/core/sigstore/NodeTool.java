package io.driftzero.core.sigstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Finds node/npm and installs the stack's locked dependencies once per checkout. */
final class NodeTool {
  private NodeTool() {}

  static String node() {
    return System.getProperty("driftzero.node", "node");
  }

  static synchronized void ensureInstalled(Path dir) {
    checkNode();
    if (Files.isDirectory(dir.resolve("node_modules/@sigstore/mock"))) {
      return;
    }
    // --prefer-offline: the npm cache is enough once it has been filled.
    run(dir, 600, "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund");
  }

  private static void checkNode() {
    try {
      Process p = new ProcessBuilder(node(), "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0 || !v.matches("v(2\\d|[3-9]\\d).*")) {
        throw new IllegalStateException("Node.js 20 or newer is required for the Sigstore test stack; '"
            + node() + " --version' said: " + v);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Node.js 20 or newer is required for the Sigstore test stack (scripts/"
          + "sigstore-stack) but '" + node() + "' cannot be run: install nodejs and npm, or set -Ddriftzero.node", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Exit code and combined output of a finished process. */
  record Result(int exitCode, String output) {}

  /** Runs {@code node script args…} in {@code dir}; fails if it runs longer than 60 s. */
  static Result runScript(Path dir, String script, String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(node(), script));
    cmd.addAll(java.util.List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(script + " did not finish: " + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void run(Path dir, int timeoutSeconds, String... cmd) {
    try {
      Path log = Files.createTempFile("dz-node-", ".log");
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " failed in " + dir + ":\n" + Files.readString(log));
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + String.join(" ", cmd) + " in " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

package io.driftzero.cli.wrappers;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One finished external process (a wrapper script, a linter, the GitLab CI emulator) with its exit
 * code, its whole stdout and stderr, and how long it took. Processes get exactly the environment a
 * test gives them, nothing inherited, and are killed when they outlive their time limit.
 */
record Run(int exitCode, String stdout, String stderr, Duration took) {

  static Run of(List<String> command, Path cwd, Map<String, String> env, Duration limit)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("dz-run", ".out");
    Path err = Files.createTempFile("dz-run", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.environment().clear();
      pb.environment().putAll(env);
      long t0 = System.nanoTime();
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(command.get(0) + " did not finish within " + limit + "; stdout:\n"
            + Files.readString(out, UTF_8) + "\nstderr:\n" + Files.readString(err, UTF_8));
      }
      return new Run(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8),
          Duration.ofNanos(System.nanoTime() - t0));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** stdout then stderr, for messages and for "does this secret appear anywhere" checks. */
  String log() {
    return stdout + (stdout.endsWith("\n") || stdout.isEmpty() ? "" : "\n") + stderr;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + " after " + took.toMillis() + " ms\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}

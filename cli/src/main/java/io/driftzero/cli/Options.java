package io.driftzero.cli;

import io.driftzero.core.DzException;
import io.driftzero.core.client.DzClient;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options several commands share; defaults come from the environment map, never the process. */
final class Options {
  private Options() {}

  /** {@code --output text|json}. */
  static final class Output {
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json (default ${DEFAULT-VALUE}).")
    Format output;

    boolean json() {
      return output == Format.json;
    }
  }

  /** Output formats. */
  enum Format { text, json, env }

  /** {@code --server URL}. */
  static final class Server {
    @Option(names = "--server", description = "dz-control URL (default: $DZ_CONTROL_URL).")
    String server;

    DzClient client(Map<String, String> env) throws DzException {
      String url = server != null ? server : env.get("DZ_CONTROL_URL");
      if (url == null || url.isBlank()) {
        throw new DzException(DzException.Kind.BAD_INPUT, "no control plane URL: pass --server https://dz-control.example"
            + " or set DZ_CONTROL_URL");
      }
      return DzClient.builder(url).build();
    }
  }

  /** Where the session from {@code attest} is kept for {@code credentials request}. */
  static Path sessionFile(Path given, Map<String, String> env) {
    if (given != null) {
      return given;
    }
    if (env.get("DZ_SESSION_FILE") != null) {
      return Path.of(env.get("DZ_SESSION_FILE"));
    }
    String tmp = env.getOrDefault("RUNNER_TEMP", env.getOrDefault("TMPDIR", System.getProperty("java.io.tmpdir")));
    return Path.of(tmp, "driftzero-session.json");
  }
}

package io.driftzero.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftzero.core.DzException;
import io.driftzero.core.json.YamlDoc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where {@code dz-control serve} takes its settings from, highest first: the command line, an
 * environment variable {@code DZ_<OPTION>} (e.g. {@code DZ_JDBC_URL} for {@code --jdbc-url}), the
 * YAML file of {@code --config} (keys are option names without dashes in front), then the built-in
 * default. The file is validated at start: an unknown key or a non-scalar value fails with its line.
 * Secrets (the database password) are read from the environment only, never from the file.
 */
final class ServeConfig implements CommandLine.IDefaultValueProvider {
  static final String CONFIG = "config";
  private static final Set<String> NOT_FROM_FILE = Set.of(CONFIG, "help", "version");

  private final Map<String, String> env;
  private final Map<String, String> file;

  private ServeConfig(Map<String, String> env, Map<String, String> file) {
    this.env = env;
    this.file = file;
  }

  /** Reads {@code --config FILE} from {@code args} (if any) and checks its keys against {@code serve}'s options. */
  static ServeConfig load(String[] args, Map<String, String> env, CommandLine.Model.CommandSpec serve) throws DzException {
    Path path = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = Path.of(args[i + 1]);
      } else if (args[i].startsWith("--config=")) {
        path = Path.of(args[i].substring("--config=".length()));
      }
    }
    if (path == null && env.get("DZ_CONFIG") != null) {
      path = Path.of(env.get("DZ_CONFIG"));
    }
    Map<String, String> values = new HashMap<>();
    if (path != null) {
      String text;
      try {
        text = Files.readString(path);
      } catch (IOException e) {
        throw new DzException(DzException.Kind.BAD_INPUT, "Cannot read --config file " + path + "; check the path");
      }
      YamlDoc doc = YamlDoc.parse(path.toString(), text);
      for (Iterator<Map.Entry<String, JsonNode>> it = doc.root().fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        if (NOT_FROM_FILE.contains(key) || serve.findOption("--" + key) == null) {
          throw doc.error("/" + key, "not a setting of 'dz-control serve'; use an option name without the dashes,"
              + " e.g. jdbc-url (secrets such as the database password come from the environment only)");
        }
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw doc.error("/" + key, "give a single value");
        }
        values.put(key, e.getValue().asText());
      }
    }
    return new ServeConfig(env, values);
  }

  static String envName(String option) {
    return "DZ_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o) || !o.longestName().startsWith("--")) {
      return null;
    }
    String name = o.longestName().substring(2);
    if (NOT_FROM_FILE.contains(name)) {
      return null;
    }
    String fromEnv = env.get(envName(name));
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    String fromFile = file.get(name);
    return fromFile != null ? fromFile : o.defaultValue();
  }
}

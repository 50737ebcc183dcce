package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** dz-control serve settings: command line over DZ_* environment over the --config file, validated at start. */
class ServeConfigTest {
  @TempDir Path dir;

  private DzControl.Serve parse(Map<String, String> env, String... args) throws DzException {
    CommandLine cl = new CommandLine(new DzControl());
    CommandLine serve = cl.getSubcommands().get("serve");
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    serve.setDefaultValueProvider(ServeConfig.load(all, env, serve.getCommandSpec()));
    cl.parseArgs(all);
    return (DzControl.Serve) serve.getCommand();
  }

  @Test
  void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path cfg = dir.resolve("dz.yaml");
    Files.writeString(cfg, "data-dir: /var/lib/dz\npolicy: /etc/dz/policy.yaml\nport: 9000\nhost: 0.0.0.0\n");
    DzControl.Serve s = parse(Map.of("DZ_PORT", "9100"), "--config", cfg.toString(), "--host", "127.0.0.2");
    assertEquals(Path.of("/var/lib/dz"), s.dataDir);
    assertEquals(Path.of("/etc/dz/policy.yaml"), s.policy);
    assertEquals(9100, s.port, "environment over file");
    assertEquals("127.0.0.2", s.host, "command line over everything");
    assertEquals(5, s.acquireTimeout, "built-in default when nobody sets it");
  }

  @Test
  void environmentAloneCanConfigure() throws Exception {
    DzControl.Serve s = parse(Map.of("DZ_DATA_DIR", "/d", "DZ_POLICY", "/p.yaml", "DZ_JDBC_URL", "jdbc:postgresql://db/dz"));
    assertEquals(Path.of("/d"), s.dataDir);
    assertEquals("jdbc:postgresql://db/dz", s.jdbcUrl);
  }

  @Test
  void unknownKeysAndPasswordsInTheFileAreRefusedWithTheirLine() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "data-dir: /d\njdbc-password: hunter2\n");
    DzException e = assertThrows(DzException.class, () -> parse(Map.of(), "--config", cfg.toString()));
    assertTrue(e.getMessage().startsWith(cfg + ":2: jdbc-password: not a setting"), e.getMessage());
    assertTrue(!e.getMessage().contains("hunter2"));
  }

  @Test
  void missingRequiredSettingsExitTwoNamingEveryWayToGiveThem() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = DzControl.run(new String[] {"serve", "--policy", "p.yaml"}, Map.of());
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
  }
}

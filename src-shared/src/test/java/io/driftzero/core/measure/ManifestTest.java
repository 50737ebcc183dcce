package io.driftzero.core.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Manifest parsing, its hash's invariants, file:line errors, and {@link Facts#check}. */
class ManifestTest {
  @TempDir Path dir;

  static final String BASE = "id: dz://env/build\nversion: \"2.4\"\nfacts:\n  os.arch: amd64\n  env.DEPLOY_ENV: [prod, staging]\n";

  private Manifest load(String yaml) throws Exception {
    Path f = dir.resolve("m.yaml");
    Files.writeString(f, yaml);
    return Manifest.load(f);
  }

  @Test
  void hashIsSha256OfTheCanonicalIdVersionFacts() throws Exception {
    Manifest m = load(BASE);
    String canonical = "{\"facts\":{\"env.DEPLOY_ENV\":[\"prod\",\"staging\"],\"os.arch\":[\"amd64\"]},"
        + "\"id\":\"dz://env/build\",\"version\":\"2.4\"}";
    String expected = "sha256:" + HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, m.hash());
  }

  @Test
  void hashIgnoresKeyOrderScalarVsListValueOrderAndDescription() throws Exception {
    String h = load(BASE).hash();
    assertEquals(h, load("facts:\n  env.DEPLOY_ENV: [staging, prod]\n  os.arch: [amd64]\nversion: \"2.4\"\n"
        + "description: anything\nid: dz://env/build\n").hash());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "os.arch: amd64|os.arch: arm64",
      "[prod, staging]|[prod]",
      "[prod, staging]|[prod, staging, dev]",
      "version: \"2.4\"|version: \"2.5\"",
      "id: dz://env/build|id: dz://env/build2",
      "  os.arch: amd64\\n|  os.arch: amd64\\n  tool.git: git version 2.39\\n"})
  void hashChangesWithAnyFact(String from, String to) throws Exception {
    String changed = BASE.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
    assertNotEquals(BASE, changed);
    assertNotEquals(load(BASE).hash(), load(changed).hash());
  }

  private String error(String yaml) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, yaml);
    DzException e = assertThrows(DzException.class, () -> Manifest.load(f));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    return e.getMessage();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "id: dz://env/build|id: env/build|1|id",
      "version: \"2.4\"\\n|version: \"\"\\n|2|version",
      "  os.arch: amd64|  cpu.flags: avx|4|facts.cpu.flags",
      "  os.arch: amd64|  os.arch: []|4|facts.os.arch",
      "  os.arch: amd64|  os.arch: [amd64, [x]]|4|facts.os.arch",
      "  os.arch: amd64|  os.arch: amd64\\n  file.sha256:relative/path: abc|5|facts.file.sha256:relative~1path",
      "facts:|colour: red\\nfacts:|3|colour"})
  void errorsNameFileLineAndField(String from, String to, int line, String field) throws Exception {
    String bad = BASE.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
    String msg = error(bad);
    String expectedField = field.replace("~1", "/");
    assertTrue(msg.startsWith(dir.resolve("bad.yaml") + ":" + line + ": " + expectedField + ": "), msg);
  }

  @Test
  void missingFactsAndMissingFile() throws Exception {
    String msg = error("id: dz://env/build\nversion: \"1\"\n");
    assertTrue(msg.contains(": facts: "), msg);
    DzException e = assertThrows(DzException.class, () -> Manifest.load(dir.resolve("absent.yaml")));
    assertTrue(e.getMessage().contains("absent.yaml"));
  }

  @Test
  void toYamlRoundTripsToTheSameHash() throws Exception {
    Manifest m = load(BASE);
    assertEquals(m.hash(), load(m.toYaml()).hash());
    Manifest fromMeasured = Manifest.fromMeasurements("dz://env/x", "1", null, Map.of("os.arch", "amd64"));
    assertEquals(fromMeasured.hash(), load(fromMeasured.toYaml()).hash());
  }

  @Test
  void factsCheck() throws Exception {
    Manifest m = load(BASE);
    assertEquals(List.of(), Facts.check(m, Map.of("os.arch", "amd64", "env.DEPLOY_ENV", "staging", "extra", "ignored")));
    List<Reason> r = Facts.check(m, Map.of("os.arch", "arm64"));
    assertEquals(2, r.size());
    assertTrue(r.stream().anyMatch(x -> x.code().equals(Facts.MEASUREMENT_MISMATCH) && x.message().contains("'os.arch' is 'arm64'")));
    assertTrue(r.stream().anyMatch(x -> x.code().equals(Facts.MEASUREMENT_MISSING) && x.message().contains("'env.DEPLOY_ENV'")));
  }

  @Test
  void factKeys() {
    for (String ok : List.of("os.name", "container.image_digest", "tool.git", "tool.g++", "env.CI_JOB_ID",
        "file.sha256:/etc/hosts")) {
      assertEquals(null, Facts.checkKey(ok), ok);
    }
    for (String bad : List.of("cpu", "tool.", "env.1X", "env.A-B", "file.sha256:rel", "file.sha256:", "OS.NAME")) {
      assertTrue(Facts.checkKey(bad) != null && Facts.checkKey(bad).contains("'" + bad + "'"), bad);
    }
  }
}

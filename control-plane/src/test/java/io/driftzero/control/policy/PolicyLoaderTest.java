package io.driftzero.control.policy;

import io.driftzero.core.policy.PolicyLoader;
import io.driftzero.core.policy.PolicySet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.control.DzControl;
import io.driftzero.core.DzException;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.sign.EcKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every validation error names file:line: field; {@code dz-control policy check} exits 0 / 2. */
class PolicyLoaderTest {
  @TempDir static Path dir;
  static String pem;

  @BeforeAll
  static void key() {
    ECKey k = EcKeys.generate();
    pem = EcKeys.publicPem(k);
  }

  static String good() {
    return String.join("\n",
        "version: 1",
        "manifests:",
        "  - id: dz://env/build",
        "    version: \"1.0\"",
        "    facts:",
        "      os.arch: amd64",
        "agent_keys:",
        "  - id: pool-a",
        "    actors: [\"github.com/org/*\"]",
        "    public_key: |",
        "      " + pem.trim().replace("\n", "\n      "),
        "policies:",
        "  - id: dz://policy/deploy",
        "    actors: [\"github.com/org/app/*\"]",
        "    manifests: [\"dz://env/build@1.0\"]",
        "    targets: [t1]",
        "    scopes: [deploy]",
        "    max_ttl_seconds: 900",
        "");
  }

  /** 1-based line of the first line containing {@code marker}. */
  static int lineOf(String text, String marker) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError("marker not found: " + marker);
  }

  static String error(String text) {
    DzException e = assertThrows(DzException.class, () -> PolicyLoader.parse("policy.yaml", text, dir));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    return e.getMessage();
  }

  static void assertErrorAt(String text, String marker, String field) {
    String msg = error(text);
    String prefix = "policy.yaml:" + lineOf(text, marker) + ": " + field + ": ";
    assertTrue(msg.startsWith(prefix), () -> "expected '" + prefix + "…' but got: " + msg);
  }

  @Test
  void goodPolicyLoads() throws Exception {
    PolicySet ps = PolicyLoader.parse("policy.yaml", good(), dir);
    assertEquals(1, ps.policies().size());
    assertEquals(900, ps.policy("dz://policy/deploy").orElseThrow().maxTtlSeconds());
    assertEquals(1, ps.agentKeys().size());
    assertTrue(ps.manifest("dz://env/build", "1.0").isPresent());
  }

  @Test
  void badPolicyIdPrefix() {
    String t = good().replace("id: dz://policy/deploy", "id: policy/deploy");
    assertErrorAt(t, "id: policy/deploy", "policies[0].id");
  }

  @Test
  void missingMaxTtl() {
    String t = good().replace("    max_ttl_seconds: 900\n", "");
    String msg = error(t);
    assertTrue(msg.startsWith("policy.yaml:" + lineOf(t, "id: dz://policy/deploy") + ": policies[0].max_ttl_seconds: "), msg);
  }

  @Test
  void unknownField() {
    String t = good().replace("max_ttl_seconds: 900", "max_ttl_seconds: 900\n    max_tll: 5");
    assertErrorAt(t, "max_tll", "policies[0].max_tll");
  }

  @Test
  void unknownManifestReference() {
    String t = good().replace("manifests: [\"dz://env/build@1.0\"]", "manifests: [\"dz://env/bulid@1.0\"]");
    assertErrorAt(t, "dz://env/bulid", "policies[0].manifests[0]");
  }

  @Test
  void badPem() {
    String body = pem.trim().split("\n")[1];
    String t = good().replace(body, "AAAA" + body.substring(8));
    String msg = error(t);
    assertTrue(msg.startsWith("policy.yaml:" + lineOf(t, "public_key: |") + ": agent_keys[0]"), msg);
  }

  @Test
  void duplicatePolicy() {
    String dup = good().substring(good().indexOf("  - id: dz://policy/deploy"));
    String t = good() + dup;
    String msg = error(t);
    int second = t.lines().toList().lastIndexOf("  - id: dz://policy/deploy") + 1;
    assertTrue(msg.startsWith("policy.yaml:" + second + ": policies[1].id: "), msg);
    assertTrue(msg.contains("defined twice"), msg);
  }

  @Test
  void pinnedHashMismatch() throws Exception {
    Files.writeString(dir.resolve("m.yaml"), "id: dz://env/build\nversion: \"1.0\"\nfacts:\n  os.arch: amd64\n");
    String real = Manifest.load(dir.resolve("m.yaml")).hash();
    String wrong = "sha256:" + "0".repeat(64);
    String base = good().replace("  - id: dz://env/build\n    version: \"1.0\"\n    facts:\n      os.arch: amd64\n",
        "  - file: m.yaml\n    hash: \"" + wrong + "\"\n");
    assertErrorAt(base, "hash: \"sha256", "manifests[0].hash");
    PolicyLoader.parse("policy.yaml", base.replace(wrong, real), dir);
  }

  @Test
  void badManifestFactInline() {
    String t = good().replace("os.arch: amd64", "cpu.flags: avx");
    assertErrorAt(t, "cpu.flags", "manifests[0].facts.cpu.flags");
  }

  @Test
  void noPolicies() {
    String t = good().substring(0, good().indexOf("policies:")) + "policies: []\n";
    assertErrorAt(t, "policies: []", "policies");
  }

  private record Run(int code, String out, String err) {}

  private static Run policyCheck(Path file) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = DzControl.run(new String[] {"policy", "check", file.toString()}, Map.of());
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void policyCheckCommand() throws Exception {
    Path goodFile = dir.resolve("good.yaml");
    Files.writeString(goodFile, good());
    Run ok = policyCheck(goodFile);
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("policy OK"), ok.out());

    Path badFile = dir.resolve("bad.yaml");
    String bad = good().replace("max_ttl_seconds: 900", "max_ttl_seconds: 0");
    Files.writeString(badFile, bad);
    Run ko = policyCheck(badFile);
    assertEquals(2, ko.code());
    assertTrue(ko.err().contains(badFile + ":" + lineOf(bad, "max_ttl_seconds: 0") + ": policies[0].max_ttl_seconds"),
        ko.err());

    Run missing = policyCheck(dir.resolve("absent.yaml"));
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("absent.yaml"), missing.err());
  }
}

package io.driftzero.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.driftzero.control.store.Database;
import io.driftzero.core.client.Session;
import io.driftzero.core.json.Json;
import io.driftzero.core.measure.Manifest;
import io.driftzero.core.sign.EcKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** dzctl through {@code Dzctl.run(args, env, out, err)} against a real dz-control. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DzctlTest {
  @TempDir static Path dir;
  static CliStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new CliStack(dir);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static String mode(Path f) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
  }

  @Test
  void keygenWritesA0600KeyAndRefusesToOverwrite() throws Exception {
    Path k = dir.resolve("k2.pem");
    CliStack.Run r = stack.dzctl("keygen", "--out", k.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("rw-------", mode(k));
    assertTrue(r.out().contains("key_id: " + EcKeys.readPrivate(k).getKeyID()), r.out());
    assertTrue(Files.readString(dir.resolve("k2.pem.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
    assertFalse(r.out().contains("PRIVATE KEY"));
    String before = Files.readString(k);
    CliStack.Run again = stack.dzctl("keygen", "--out", k.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("exists"), again.err());
    assertEquals(before, Files.readString(k), "the existing key is untouched");
  }

  @Test
  void manifestInitAndHash() throws Exception {
    CliStack.Run r = stack.dzctl("manifest", "hash", stack.manifest.toString());
    assertEquals(0, r.code(), r.err());
    Manifest m = Manifest.load(stack.manifest);
    assertEquals(m.hash() + "  dz://env/ci@1.0", r.out().trim());
    assertEquals(java.util.List.of("prod"), m.facts().get("env.DEPLOY_ENV"));

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "id: dz://env/x\nversion: \"1\"\nfacts:\n  cpu.flags: avx\n");
    CliStack.Run b = stack.dzctl("manifest", "hash", bad.toString());
    assertEquals(2, b.code());
    assertTrue(b.err().contains(bad + ":4: facts.cpu.flags:"), b.err());
    CliStack.Run badFact = stack.dzctl("manifest", "init", "--id", "dz://env/x", "--version", "1", "--fact", "cpu",
        "--out", dir.resolve("x.yaml").toString());
    assertEquals(2, badFact.code());
  }

  @Test
  void measurePrintsJson() throws Exception {
    CliStack.Run r = stack.dzctl("measure", "--manifest", stack.manifest.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode facts = Json.mapper().readTree(r.out());
    assertEquals("prod", facts.get("env.DEPLOY_ENV").asText());
    assertEquals(System.getProperty("os.name"), facts.get("os.name").asText());
  }

  @Test
  @Order(1)
  void attestAcceptedSavesA0600SessionAndPrintsNoToken() throws Exception {
    CliStack.Run r = stack.attest();
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("result: ACCEPTED"), r.out());
    assertEquals("rw-------", mode(stack.sessionFile));
    Session s = Session.load(stack.sessionFile);
    assertTrue(s.sessionToken().startsWith("dzs_"));
    assertFalse(r.out().contains(s.sessionToken()), "no token on stdout");
    assertFalse(r.err().contains(s.sessionToken()));
    assertTrue(r.out().contains("attestation_id: " + s.attestationId()));

    CliStack.Run json = stack.attest("--output", "json", "--session-file", dir.resolve("s2.json").toString());
    assertEquals(0, json.code());
    JsonNode j = Json.mapper().readTree(json.out());
    assertEquals("ACCEPTED", j.get("result").asText());
    assertFalse(json.out().contains(Session.load(dir.resolve("s2.json")).sessionToken()));
  }

  @Test
  @Order(2)
  void credentialsTextJsonEnv() throws Exception {
    Session s = Session.load(stack.sessionFile);
    CliStack.Run text = stack.dzctl("credentials", "request", "--scope", "deploy", "--target", CliStack.TARGET, "--ttl", "300");
    assertEquals(0, text.code(), text.out() + text.err());
    assertTrue(text.out().contains("result: ISSUED"), text.out());
    assertFalse(text.out().contains("eyJ"), "text output carries no token");

    CliStack.Run json = stack.dzctl("credentials", "request", "--scope", "deploy", "--target", CliStack.TARGET,
        "--ttl", "300", "--output", "json");
    assertEquals(0, json.code());
    String token = Json.mapper().readTree(json.out()).at("/credential/token").asText();
    assertEquals(s.attestationId(), SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("attestation_id"));

    CliStack.Run env = stack.dzctl("credentials", "request", "--scope", "deploy", "--target", CliStack.TARGET,
        "--ttl", "300", "--output", "env", "--env-var", "AWS_WEB_IDENTITY");
    assertEquals(0, env.code());
    assertTrue(env.out().lines().anyMatch(l -> l.matches("AWS_WEB_IDENTITY=eyJ[^.]+\\.[^.]+\\.[^.]+")), env.out());
    assertTrue(env.out().contains("DZ_RESULT=ISSUED"));

    CliStack.Run denied = stack.dzctl("credentials", "request", "--scope", "deploy", "--target", "elsewhere", "--ttl", "60");
    assertEquals(1, denied.code());
    assertTrue(denied.out().contains("result: DENIED") && denied.out().contains("reason: TARGET_NOT_ALLOWED"), denied.out());
    CliStack.Run deniedEnv = stack.dzctl("credentials", "request", "--scope", "deploy", "--target", "elsewhere",
        "--ttl", "60", "--output", "env");
    assertEquals(1, deniedEnv.code());
    assertFalse(deniedEnv.out().contains("DZ_CREDENTIAL="));
    assertTrue(deniedEnv.out().contains("DZ_RESULT=DENIED"));
  }

  @Test
  @Order(3)
  void attestDeniedExitsOneWithReasons() {
    CliStack.Run r = stack.dzctl("attest", "--manifest", stack.manifest.toString(),
        "--actor", "github.com/org/other/.github/workflows/x.yml@refs/heads/main");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("result: DENIED") && r.out().contains("reason: ACTOR_NOT_ALLOWED"), r.out());
  }

  @Test
  @Order(4)
  void dryRun() {
    CliStack.Run ok = stack.attest("--dry-run");
    assertEquals(0, ok.code(), ok.out() + ok.err());
    assertTrue(ok.out().contains("would decide: WOULD_ACCEPT"), ok.out());
    Map<String, String> env = new java.util.HashMap<>(stack.env);
    env.put("DEPLOY_ENV", "dev");
    java.io.StringWriter out = new java.io.StringWriter();
    int code = Dzctl.run(new String[] {"attest", "--dry-run", "--manifest", stack.manifest.toString(), "--actor",
        CliStack.ACTOR}, env, new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()));
    assertEquals(1, code);
    assertTrue(out.toString().contains("reason: MEASUREMENT_MISMATCH"), out.toString());
  }

  @Test
  @Order(5)
  void auditListAndVerify() {
    CliStack.Run list = stack.dzctl("audit", "list", "--limit", "3");
    assertEquals(0, list.code(), list.err());
    assertEquals(4, list.out().lines().count(), "3 events and a next-cursor line: " + list.out());
    assertTrue(list.out().contains("next: --cursor "));
    CliStack.Run denied = stack.dzctl("audit", "list", "--result", "DENIED", "--action", "ATTEST");
    assertTrue(denied.out().contains("ACTOR_NOT_ALLOWED"), denied.out());
    CliStack.Run verify = stack.dzctl("audit", "verify");
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().startsWith("audit chain OK: "), verify.out());
  }

  @Test
  @Order(6)
  void auditVerifyAfterTamperingNamesTheEventAndExitsOne() throws Exception {
    String victim;
    long seq;
    try (Connection c = DriverManager.getConnection(Database.embeddedUrl(dir.resolve("data")))) {
      try (var rs = c.createStatement().executeQuery("SELECT MIN(seq) FROM audit_events"
          + " WHERE event_json LIKE '%\"ttl_seconds\":300%'")) {
        rs.next();
        seq = rs.getLong(1);
      }
      try (var rs = c.createStatement().executeQuery("SELECT audit_id FROM audit_events WHERE seq = " + seq)) {
        rs.next();
        victim = rs.getString(1);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE audit_events SET event_json ="
          + " REPLACE(event_json, '\"ttl_seconds\":300', '\"ttl_seconds\":86400') WHERE seq = ?")) {
        ps.setLong(1, seq);
        assertEquals(1, ps.executeUpdate());
      }
    }
    CliStack.Run r = stack.dzctl("audit", "verify");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("BROKEN at seq " + seq + " (audit_id " + victim + ")"), r.out());
    CliStack.Run json = stack.dzctl("audit", "verify", "--output", "json");
    assertEquals(1, json.code());
    assertTrue(json.out().contains(victim));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "attest", "credentials", "credentials request", "audit", "audit list", "audit verify",
      "keygen", "manifest", "manifest init", "manifest hash", "measure"})
  void helpOnEveryCommand(String command) {
    String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
    CliStack.Run r = stack.dzctl(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Usage: dzctl"), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "frobnicate", "attest --bogus", "keygen", "credentials", "credentials request --scope x",
      "credentials request --scope x --target y --ttl notanumber", "audit", "manifest hash", "attest --output yaml"})
  void usageErrorsExitTwo(String command) {
    CliStack.Run r = stack.dzctl(command.isEmpty() ? new String[0] : command.split(" "));
    assertEquals(2, r.code(), r.out() + r.err());
    assertFalse(r.err().isBlank());
  }

  @Test
  void unreachableServerExitsThreeNamingTheUrl() {
    CliStack.Run r = stack.dzctl("audit", "list", "--server", "http://127.0.0.1:1");
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("http://127.0.0.1:1/v1/audit/events"), r.err());
  }
}

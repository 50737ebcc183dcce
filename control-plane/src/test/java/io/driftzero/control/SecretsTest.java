package io.driftzero.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AttestResponse;
import io.driftzero.core.model.CredentialRequest;
import io.driftzero.core.model.CredentialResponse;
import io.driftzero.core.sign.EcKeys;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer secrets and private keys never reach dz-control's log or an error body. slf4j-simple is
 * configured (simplelogger.properties) to write to System.err, which it looks up on every write, so
 * teeing System.err captures exactly what an operator's log would hold.
 */
class SecretsTest {
  @TempDir static Path dir;
  static TestStack stack;
  static PrintStream originalErr;
  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  static final List<String> ERROR_BODIES = new ArrayList<>();
  static final List<String> SECRETS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (LOG) {
          LOG.write(b);
        }
        originalErr.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (LOG) {
          LOG.write(b, off, len);
        }
        originalErr.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8));
    stack = TestStack.start(dir);
  }

  @AfterAll
  static void stop() {
    stack.close();
    System.setErr(originalErr);
  }

  private static String pemBody(String pem) {
    // The base64 lines of a PEM, without armour: what would leak if the key were printed.
    return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  @Test
  void noTokenOrKeyInTheLogOrInAnyErrorBody() throws Exception {
    AttestResponse a = stack.accepted();
    SECRETS.add(a.sessionToken());
    CredentialResponse c = stack.client.credentials(
        new CredentialRequest(a.attestationId(), TestStack.SCOPE, TestStack.TARGET, 60), a.sessionToken());
    assertEquals("ISSUED", c.result());
    SECRETS.add(c.credential().token());
    // Every signature part of the JWT is secret-bearing; the payload alone is not, but must not be
    // logged either since it is the token.
    SECRETS.add(c.credential().token().substring(c.credential().token().lastIndexOf('.') + 1));

    String token = a.sessionToken();
    String auth = "Bearer " + token;
    String id = a.attestationId();
    // 4xx with the secret in the header, and echoed back into body fields in every way we can think of.
    ERROR_BODIES.add(stack.postJson("/v1/credentials", "{\"attestation_id\":\"" + id + "\",\"scope\":\"deploy\","
        + "\"target\":\"t\",\"ttl_seconds\":\"" + token + "\"}", "Authorization", auth).body());
    ERROR_BODIES.add(stack.postJson("/v1/credentials", "{\"attestation_id\":\"" + token + "\",\"scope\":\"deploy\","
        + "\"target\":\"t\",\"ttl_seconds\":60}", "Authorization", auth).body());
    ERROR_BODIES.add(stack.postJson("/v1/credentials", token, "Authorization", auth).body());
    ERROR_BODIES.add(stack.postJson("/v1/credentials", "{\"attestation_id\":" + token + "}", "Authorization", auth).body());
    ERROR_BODIES.add(stack.postJson("/v1/credentials", "{\"attestation_id\":\"" + id + "\",\"scope\":\"deploy\","
        + "\"target\":\"t\",\"ttl_seconds\":60}", "Authorization", "Bearer " + token + "x").body());
    ERROR_BODIES.add(stack.raw("POST", "/v1/credentials", "{}", "text/plain", "Authorization", auth).body());
    // (Not a token in the URL path: the request log names paths, and a client that puts a bearer in
    // a path has already leaked it to every proxy on the way.)
    ERROR_BODIES.add(stack.get("/v1/audit/events?cursor=" + token).body());
    ERROR_BODIES.add(stack.get("/v1/audit/events?actor=x&limit=" + token).body());

    List<String> keys = new ArrayList<>();
    keys.add(pemBody(privatePem(stack.agentKey)));
    for (String f : new String[] {"audit-signing.pem", "credential-signing.pem"}) {
      keys.add(pemBody(Files.readString(dir.resolve("data/keys/" + f))));
    }
    assertTrue(ERROR_BODIES.stream().allMatch(b -> b.contains("\"error\"")), "all of them were errors");

    String log;
    synchronized (LOG) {
      log = LOG.toString(StandardCharsets.UTF_8);
    }
    assertTrue(log.contains("POST /v1/credentials"), "the capture works: the request log is in it");
    for (String s : SECRETS) {
      assertFalse(log.contains(s), "a token is in dz-control's log");
      for (String body : ERROR_BODIES) {
        assertFalse(body.contains(s), () -> "a token is echoed in an error body: " + body);
      }
    }
    for (String k : keys) {
      assertFalse(log.contains(k.substring(0, 40)), "private key material in the log");
    }
    assertFalse(log.contains("PRIVATE KEY"));
  }

  private static String privatePem(ECKey key) throws Exception {
    Path f = dir.resolve("agent.pem");
    EcKeys.writePrivate(key, f);
    return Files.readString(f);
  }

  @Test
  void errorBodiesAreApiErrors() throws Exception {
    for (String b : ERROR_BODIES) {
      Json.mapper().readValue(b, io.driftzero.core.model.ApiError.class);
    }
  }
}

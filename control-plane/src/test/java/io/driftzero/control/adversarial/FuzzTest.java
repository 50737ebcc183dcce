package io.driftzero.control.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftzero.control.TestStack;
import io.driftzero.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded random fuzzing of every endpoint (a fixed seed, so any failure reproduces): mutated valid
 * requests, wrong types, random bytes, truncations, deep nesting, odd query strings. dz-control must
 * answer every one without a 5xx, stay healthy, and keep a chain that verifies.
 */
class FuzzTest {
  private static final long SEED = 20261125L;
  private static final int ROUNDS = 700;
  private static final MediaType JSON = MediaType.get("application/json");
  @TempDir static Path dir;
  static TestStack stack;
  static final OkHttpClient HTTP = new OkHttpClient();

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void noInputMakesTheServerFailOrFallOver() throws Exception {
    Random rnd = new Random(SEED);
    String base = stack.cp.url();
    List<String> fiveHundreds = new ArrayList<>();
    var session = stack.accepted();
    JsonNode validCredential = Json.tree(new io.driftzero.core.model.CredentialRequest(session.attestationId(),
        TestStack.SCOPE, TestStack.TARGET, 60));
    for (int i = 0; i < ROUNDS; i++) {
      Request req = switch (rnd.nextInt(6)) {
        case 0, 1 -> post(base + "/v1/attest", body(rnd, Json.tree(stack.draft().build())), null);
        case 2 -> post(base + "/v1/credentials", body(rnd, validCredential),
            rnd.nextBoolean() ? session.sessionToken() : asciiText(rnd, 40));
        case 3 -> get(base + "/v1/audit/events?" + randomQuery(rnd));
        case 4 -> get(base + (rnd.nextBoolean() ? "/v1/audit/events/" : "/v1/attestations/") + randomPathSegment(rnd));
        default -> get(base + "/" + randomPathSegment(rnd) + "/" + randomPathSegment(rnd));
      };
      try (Response r = HTTP.newCall(req).execute()) {
        if (r.code() >= 500) {
          fiveHundreds.add("round " + i + ": " + req.method() + " " + req.url().encodedPath() + " -> " + r.code());
        }
      }
    }
    assertEquals(List.of(), fiveHundreds, "seed " + SEED);
    try (Response r = HTTP.newCall(get(base + "/healthz")).execute()) {
      assertEquals(200, r.code());
    }
    assertTrue(stack.chain().report().ok());
  }

  static Request post(String url, byte[] body, String bearer) {
    Request.Builder b = new Request.Builder().url(url).post(RequestBody.create(body, JSON));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return b.build();
  }

  static Request get(String url) {
    return new Request.Builder().url(url).get().build();
  }

  /** A valid body, mutated one of several ways. */
  static byte[] body(Random rnd, JsonNode valid) {
    JsonNode n = valid.deepCopy();
    switch (rnd.nextInt(9)) {
      case 0 -> removeRandomField(rnd, n);
      case 1 -> replaceRandomValue(rnd, n);
      case 2 -> ((ObjectNode) n).set(randomText(rnd, 8), randomValue(rnd, 0));
      case 3 -> {
        byte[] b = new byte[rnd.nextInt(300)];
        rnd.nextBytes(b);
        return b;
      }
      case 4 -> {
        String s = Json.write(n);
        return s.substring(0, rnd.nextInt(s.length())).getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> {
        return ("[".repeat(200) + "]".repeat(200)).getBytes(StandardCharsets.UTF_8);
      }
      case 6 -> {
        String s = Json.write(n);
        return (s.substring(0, s.length() - 1) + ",\"policy\":\"dup\"}").getBytes(StandardCharsets.UTF_8);
      }
      case 7 -> {
        return "{\"ttl_seconds\":1e309,\"nonce\":-0.0e-400}".getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        replaceRandomValue(rnd, n);
        replaceRandomValue(rnd, n);
      }
    }
    return Json.write(n).getBytes(StandardCharsets.UTF_8);
  }

  static List<ObjectNode> objects(JsonNode n) {
    List<ObjectNode> out = new ArrayList<>();
    if (n instanceof ObjectNode o) {
      out.add(o);
      o.elements().forEachRemaining(c -> out.addAll(objects(c)));
    }
    return out;
  }

  static void removeRandomField(Random rnd, JsonNode n) {
    List<ObjectNode> objs = objects(n);
    ObjectNode o = objs.get(rnd.nextInt(objs.size()));
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    if (!names.isEmpty()) {
      o.remove(names.get(rnd.nextInt(names.size())));
    }
  }

  static void replaceRandomValue(Random rnd, JsonNode n) {
    List<ObjectNode> objs = objects(n);
    ObjectNode o = objs.get(rnd.nextInt(objs.size()));
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    if (!names.isEmpty()) {
      o.set(names.get(rnd.nextInt(names.size())), randomValue(rnd, 0));
    }
  }

  static JsonNode randomValue(Random rnd, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (rnd.nextInt(depth > 3 ? 6 : 8)) {
      case 0 -> f.nullNode();
      case 1 -> f.booleanNode(rnd.nextBoolean());
      case 2 -> f.numberNode(rnd.nextLong());
      case 3 -> f.numberNode(rnd.nextDouble() * 1e300);
      case 4 -> f.textNode(randomText(rnd, rnd.nextInt(2) == 0 ? 5 : 5000));
      case 5 -> f.textNode("");
      case 6 -> {
        ArrayNode a = f.arrayNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = f.objectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.set(randomText(rnd, 6), randomValue(rnd, depth + 1));
        }
        yield o;
      }
    };
  }

  static String randomText(Random rnd, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int kind = rnd.nextInt(10);
      sb.appendCodePoint(kind < 6 ? 'a' + rnd.nextInt(26) : kind < 8 ? 0x20 + rnd.nextInt(95) : 0x80 + rnd.nextInt(0x2000));
    }
    return sb.toString();
  }

  /** Printable ASCII only: what an HTTP header can carry. */
  static String asciiText(Random rnd, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) (0x21 + rnd.nextInt(94)));
    }
    return sb.toString();
  }

  static String randomPathSegment(Random rnd) {
    return java.net.URLEncoder.encode(randomText(rnd, 1 + rnd.nextInt(40)), StandardCharsets.UTF_8);
  }

  static String randomQuery(Random rnd) {
    String[] keys = {"actor", "result", "action", "policy", "target", "since", "until", "limit", "cursor", "x"};
    StringBuilder q = new StringBuilder();
    for (int i = rnd.nextInt(4); i >= 0; i--) {
      String v = switch (rnd.nextInt(4)) {
        case 0 -> String.valueOf(rnd.nextInt());
        case 1 -> "2030-01-01T00:00:00Z";
        case 2 -> "ISSUED";
        default -> randomText(rnd, 12);
      };
      q.append(keys[rnd.nextInt(keys.length)]).append('=')
          .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
    }
    return q.toString();
  }
}

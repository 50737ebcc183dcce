package io.driftzero.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.model.Actor;
import io.driftzero.core.model.AttestRequest;
import io.driftzero.core.model.CredentialRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8785 canonicalisation (the RFC's own vectors) and the strict parser's refusals. */
class JsonTest {
  private static String canonical(String json) throws Exception {
    return new String(Json.canonical(Json.mapper().readTree(json)), StandardCharsets.UTF_8);
  }

  @Test
  void rfc8785MainExample() throws Exception {
    // RFC 8785 section 3.2.2 / appendix: numbers, string escaping and literals.
    String in = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
        + " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
        + " \"literals\": [null, true, false]}";
    assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
        + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", canonical(in));
  }

  @Test
  void rfc8785PropertySortingByUtf16CodeUnits() throws Exception {
    String in = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
        + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
        + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
    assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
        + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
        + "\"דּ\":\"Hebrew Letter Dalet With Dagesh\"}", canonical(in));
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0",
      "-0, 0",
      "1.0, 1",
      "5e-324, 5e-324",
      "1.7976931348623157e308, 1.7976931348623157e+308",
      "9007199254740992, 9007199254740992",
      "-9007199254740992, -9007199254740992",
      "295147905179352825856, 295147905179352830000",
      "9.999999999999997e22, 9.999999999999997e+22",
      "1e23, 1e+23",
      "0.000001, 0.000001",
      "9.999999999999997e-7, 9.999999999999997e-7",
      "1e21, 1e+21",
      "1e20, 100000000000000000000"})
  void rfc8785Numbers(String in, String expected) throws Exception {
    assertEquals("[" + expected + "]", canonical("[" + in + "]"));
  }

  @Test
  void nestedKeysSortedAndWhitespaceDropped() throws Exception {
    assertEquals("{\"a\":{\"x\":[3,{\"m\":1,\"n\":2}],\"y\":null},\"b\":\"\\u001f\"}",
        canonical("{ \"b\" : \"\\u001F\", \"a\" : { \"y\": null, \"x\": [3, {\"n\":2, \"m\":1}] } }"));
  }

  @Test
  void recordsCanonicaliseTheSameWhateverTheMapOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("z", 1);
    a.put("a", "x");
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("a", "x");
    b.put("z", 1);
    assertEquals(new String(Json.canonical(a), StandardCharsets.UTF_8), new String(Json.canonical(b), StandardCharsets.UTF_8));
    assertEquals("{\"a\":\"x\",\"z\":1}", new String(Json.canonical(a), StandardCharsets.UTF_8));
  }

  @Test
  void sha256IsPrefixedLowercaseHex() throws Exception {
    byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
    assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Json.sha256(data));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
        Json.sha256(data).substring(7));
  }

  private static String refusal(String json, Class<?> type) {
    DzException e = assertThrows(DzException.class, () -> Json.read(json, type, "test input"));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().startsWith("test input: "), e.getMessage());
    return e.getMessage();
  }

  @Test
  void unknownFieldIsRefusedWithItsPath() {
    assertTrue(refusal("{\"type\":\"pipeline\",\"id\":\"x\",\"colour\":1}", Actor.class).contains("field 'colour'"));
    String nested = "{\"policy\":\"p\",\"attestation\":{\"nonce\":\"n\",\"sneaky\":true}}";
    String msg = refusal(nested, AttestRequest.class);
    assertTrue(msg.contains("field 'attestation.sneaky'"), msg);
  }

  @Test
  void trailingTokensAreRefused() {
    refusal("{\"type\":\"pipeline\",\"id\":\"x\"} {}", Actor.class);
    refusal("{\"type\":\"pipeline\",\"id\":\"x\"} garbage", Actor.class);
  }

  @Test
  void duplicateKeysAreRefusedNamingTheKey() {
    String msg = refusal("{\"type\":\"pipeline\",\"id\":\"x\",\"id\":\"y\"}", Actor.class);
    assertTrue(msg.contains("'id'"), msg);
    String nested = refusal("{\"policy\":\"p\",\"actor\":{\"type\":\"a\",\"type\":\"b\"}}", AttestRequest.class);
    assertTrue(nested.contains("'type'"), nested);
  }

  @Test
  void wrongScalarTypesAreRefusedNotCoerced() {
    String base = "\"attestation_id\":\"a\",\"scope\":\"s\",\"target\":\"t\"";
    assertTrue(refusal("{" + base + ",\"ttl_seconds\":\"60\"}", CredentialRequest.class).contains("field 'ttl_seconds'"));
    assertTrue(refusal("{" + base + ",\"ttl_seconds\":1.5}", CredentialRequest.class).contains("field 'ttl_seconds'"));
    assertTrue(refusal("{" + base + ",\"ttl_seconds\":true}", CredentialRequest.class).contains("field 'ttl_seconds'"));
    assertTrue(refusal("{\"attestation_id\":\"a\",\"scope\":\"s\",\"target\":7,\"ttl_seconds\":60}",
        CredentialRequest.class).contains("field 'target'"));
    assertTrue(refusal("{\"type\":true,\"id\":\"x\"}", Actor.class).contains("field 'type'"));
  }

  @Test
  void malformedJsonIsRefused() {
    assertTrue(refusal("{\"type\":", Actor.class).contains("not valid JSON"));
  }

  @Test
  void yamlKeepsUnquotedScalarsAsText() throws Exception {
    // Policies are written by hand: an unquoted version or target stays readable as text.
    Actor a = Json.yaml().readValue("type: 12\nid: 2.4\n", Actor.class);
    assertEquals(new Actor("12", "2.4"), a);
  }
}

package io.driftzero.core.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TpmEvidenceTest {
  private static final String ZERO = "00".repeat(32);
  private static final TpmEvidence EV = new TpmEvidence("000b" + "ab".repeat(32), "AAEC", "AwQF", "BgcI",
      "sha256", Map.of("16", ZERO, "2", "11".repeat(32), "10", ZERO));

  @Test
  void jsonIsSnakeCaseAndRoundTrips() throws DzException {
    String json = Json.write(EV);
    assertTrue(json.startsWith("{\"ak_name\":\"000b"), json);
    assertTrue(json.contains("\"ak_public\":\"AAEC\"") && json.contains("\"pcr_bank\":\"sha256\""), json);
    assertEquals(EV, Json.read(json, TpmEvidence.class, "evidence"));
  }

  @Test
  void pcrsAreOrderedByIndex() {
    assertEquals(List.of("2", "10", "16"), List.copyOf(EV.pcrs().keySet()));
  }

  @Test
  void anchorEvidenceIsBase64OfCanonicalJsonAndParses() throws DzException {
    String anchor = EV.toAnchorEvidence();
    assertEquals(new String(Json.canonical(EV), StandardCharsets.UTF_8),
        new String(Base64.getDecoder().decode(anchor), StandardCharsets.UTF_8));
    assertEquals(EV, TpmEvidence.parse(anchor));
    assertEquals(anchor, TpmEvidence.parse(anchor).toAnchorEvidence());
  }

  @Test
  void malformedAnchorsFailClearly() {
    assertMalformed("", "it is empty");
    assertMalformed("%%%", "not base64");
    assertMalformed(b64("[1,2]"), "TPM evidence");
    assertMalformed(b64("{\"ak_name\":\"x\"}"), "field 'ak_public' is missing");
    assertMalformed(b64("{\"ak_name\":\"x\",\"extra\":1}"), "extra");
  }

  private static void assertMalformed(String anchor, String fragment) {
    DzException e = assertThrows(DzException.class, () -> TpmEvidence.parse(anchor));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}

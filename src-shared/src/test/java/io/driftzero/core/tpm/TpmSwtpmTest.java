package io.driftzero.core.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tpm against a real swtpm, cross-checked with tpm2-tools. */
class TpmSwtpmTest {
  @RegisterExtension static final Swtpm SWTPM = new Swtpm();

  private static final List<Integer> ALL = IntStream.range(0, 24).boxed().toList();
  private static final String ZERO = "00".repeat(32);

  @Test
  void infoNamesTheTpm() throws DzException {
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      TpmInfo info = tpm.info();
      assertEquals("IBM", info.manufacturer()); // libtpms reports IBM
      assertEquals(SWTPM.mode().toString(), info.transport());
      assertTrue(info.pcrBanks().contains("sha256"), info.pcrBanks().toString());
      assertTrue(info.specRevision().matches("\\d+\\.\\d\\d"), info.specRevision());
    }
  }

  @Test
  void pcrReadLoopsPastEightAndMatchesTpm2Tools() throws Exception {
    SortedMap<Integer, String> ours;
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      tpm.pcrExtend(16, Json.digest(Json.utf8("pcr-read-test")));
      ours = tpm.pcrRead(ALL);
    } // swtpm serves one data connection: close before tpm2-tools connects
    assertEquals(ALL, List.copyOf(ours.keySet()));
    assertNotEquals(ZERO, ours.get(16));

    String one = SWTPM.tpm2("tpm2_pcrread", "sha256:16");
    assertEquals(Map.of(16, ours.get(16)), parsePcrRead(one));
    String all = SWTPM.tpm2("tpm2_pcrread", "sha256:all");
    assertEquals(ours, parsePcrRead(all));
  }

  @Test
  void extendChangesTheQuote() throws DzException {
    byte[] nonce = Json.digest(Json.utf8("extend-test"));
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      TpmEvidence before = tpm.quote(List.of(23), nonce);
      tpm.pcrExtend(23, Json.digest(Json.utf8("measured step")));
      TpmEvidence after = tpm.quote(List.of(23), nonce);
      assertNotEquals(before.pcrs().get("23"), after.pcrs().get("23"));
      assertNotEquals(before.attest(), after.attest());
      QuoteVerifier v = new QuoteVerifier(List.of(new EnrolledAk(after.akName(), null)));
      // Each quote verifies on its own; the old expected value no longer matches.
      assertEquals(List.of(), v.verify(after, nonce, List.of(23), Map.of()));
      assertEquals(List.of(QuoteVerifier.TPM_PCR_VALUE_MISMATCH), codes(
          v.verify(after, nonce, List.of(23), Map.of(23, before.pcrs().get("23")))));
    }
  }

  @Test
  void akIsPersistedAndTheSameOnReopenAndAfterReboot() throws Exception {
    AkInfo first;
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      first = tpm.attestationKey();
      assertEquals(Tpm.AK_HANDLE, first.handle());
      assertEquals(TpmPublicArea.hex(TpmPublicArea.nameOf(first.publicArea())), first.name());
      assertTrue(first.publicKeyPem().startsWith("-----BEGIN PUBLIC KEY-----\n"));
    }
    String readPublic = SWTPM.tpm2("tpm2_readpublic", "-c", "0x81010010");
    assertTrue(readPublic.contains("name: " + first.name()), readPublic);
    assertTrue(readPublic.contains("fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign"),
        readPublic);
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      assertEquals(first.name(), tpm.attestationKey().name());
      tpm.pcrExtend(16, Json.digest(Json.utf8("before reboot")));
      tpm.restartSwtpm();
      assertEquals(ZERO, tpm.pcrRead(List.of(16)).get(16)); // PCRs reset ...
      AkInfo again = tpm.attestationKey(); // ... the persisted AK survives
      assertEquals(first.name(), again.name());
      assertEquals(first.publicKeyPem(), again.publicKeyPem());
    }
  }

  /** The qualified-signer rule the verifier applies equals what the TPM itself reports. */
  @Test
  void qualifiedNameRuleMatchesTheTpm() throws DzException {
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      AkInfo ak = tpm.attestationKey();
      byte[] name = TpmPublicArea.nameOf(ak.publicArea());
      assertEquals(ak.qualifiedName(), TpmPublicArea.hex(QuoteVerifier.qualifiedSigner(name)));
    }
  }

  @Test
  void foreignKeyAtTheAkHandleIsNeverOverwritten() throws Exception {
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      tpm.attestationKey();
    }
    SWTPM.tpm2("tpm2_evictcontrol", "-C", "o", "-c", "0x81010010");
    java.nio.file.Path ctx = java.nio.file.Files.createTempFile("dz-primary", ".ctx");
    try {
      SWTPM.tpm2("tpm2_createprimary", "-Q", "-C", "e", "-G", "ecc", "-c", ctx.toString());
      SWTPM.tpm2("tpm2_evictcontrol", "-C", "o", "-c", ctx.toString(), "0x81010010");
      try (Tpm tpm = Tpm.open(SWTPM.mode())) {
        DzException e = assertThrows(DzException.class, tpm::attestationKey);
        assertTrue(e.getMessage().contains("0x81010010") && e.getMessage().contains("tpm2_evictcontrol"),
            e.getMessage());
      }
      String still = SWTPM.tpm2("tpm2_readpublic", "-c", "0x81010010");
      assertTrue(still.contains("restricted|decrypt"), still); // the storage key is untouched
    } finally {
      SWTPM.tpm2("tpm2_evictcontrol", "-C", "o", "-c", "0x81010010"); // give the handle back
      java.nio.file.Files.deleteIfExists(ctx);
    }
  }

  @Test
  void badPcrSelectionsAreInputErrors() throws DzException {
    try (Tpm tpm = Tpm.open(SWTPM.mode())) {
      for (List<Integer> bad : List.of(List.<Integer>of(), List.of(24), List.of(-1), List.of(3, 3))) {
        DzException e = assertThrows(DzException.class, () -> tpm.pcrRead(bad));
        assertEquals(DzException.Kind.BAD_INPUT, e.kind());
      }
    }
  }

  static List<String> codes(List<io.driftzero.core.model.Reason> reasons) {
    return reasons.stream().map(io.driftzero.core.model.Reason::code).toList();
  }

  private static Map<Integer, String> parsePcrRead(String out) {
    Matcher m = Pattern.compile("^\\s+(\\d+)\\s*: 0x([0-9A-Fa-f]{64})$", Pattern.MULTILINE).matcher(out);
    Map<Integer, String> values = new TreeMap<>();
    while (m.find()) {
      values.put(Integer.parseInt(m.group(1)), m.group(2).toLowerCase(java.util.Locale.ROOT));
    }
    return values;
  }
}

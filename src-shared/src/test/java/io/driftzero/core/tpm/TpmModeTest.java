package io.driftzero.core.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.driftzero.core.DzException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TpmModeTest {

  @Test
  void parsesTheFourForms() throws DzException {
    assertEquals(TpmMode.Kind.DEVICE, TpmMode.parse("device").kind());
    assertEquals(TpmMode.Kind.AUTO, TpmMode.parse(" AUTO ").kind());
    assertEquals(TpmMode.Kind.NONE, TpmMode.parse("none").kind());
    assertFalse(TpmMode.parse("none").enabled());
    TpmMode sw = TpmMode.parse("swtpm:127.0.0.1:2321");
    assertEquals(new TpmMode(TpmMode.Kind.SWTPM, "127.0.0.1", 2321), sw);
    assertTrue(sw.enabled());
    assertEquals("swtpm:127.0.0.1:2321", sw.toString());
    assertEquals("swtpm:localhost:65534", TpmMode.parse("swtpm:localhost:65534").toString());
  }

  @Test
  void parsesBracketedIpv6() throws DzException {
    TpmMode m = TpmMode.parse("swtpm:[::1]:2321");
    assertEquals("::1", m.host());
    assertEquals(2321, m.port());
    assertEquals("swtpm:[::1]:2321", m.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "hardware", "swtpm", "swtpm:", "swtpm:host", "swtpm::2321",
      "swtpm:host:", "swtpm:host:port", "swtpm:host:0", "swtpm:host:65535", "swtpm:host:-1", "tcp:host:1"})
  void rejectsBadValuesNamingSettingAndForms(String value) {
    DzException e = assertThrows(DzException.class, () -> TpmMode.parse(value));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().startsWith("Invalid --tpm value '"), e.getMessage());
    assertTrue(e.getMessage().endsWith("allowed: " + TpmMode.ALLOWED_FORMS), e.getMessage());
  }

  @Test
  void rejectsNull() {
    DzException e = assertThrows(DzException.class, () -> TpmMode.parse(null));
    assertTrue(e.getMessage().contains(TpmMode.ALLOWED_FORMS));
  }

  @Test
  void missingKernelDeviceNamesPathsAndAlternatives(@TempDir Path dev) throws DzException {
    DzException e = assertThrows(DzException.class,
        () -> KernelTpmDevice.open(TpmMode.parse("auto"), dev));
    assertEquals(DzException.Kind.UNAVAILABLE, e.kind());
    String m = e.getMessage();
    assertTrue(m.contains("--tpm auto"), m);
    assertTrue(m.contains(dev.resolve("tpmrm0").toString()) && m.contains(dev.resolve("tpm0").toString()), m);
    assertTrue(m.contains("--tpm none") && m.contains("--tpm swtpm:HOST:PORT") && m.contains("'tss'"), m);
  }

  @Test
  void prefersTheResourceManager(@TempDir Path dev) throws Exception {
    Files.createFile(dev.resolve("tpm0"));
    try (KernelTpmDevice d = KernelTpmDevice.open(TpmMode.parse("device"), dev)) {
      assertEquals(dev.resolve("tpm0"), d.path());
    }
    Files.createFile(dev.resolve("tpmrm0"));
    try (KernelTpmDevice d = KernelTpmDevice.open(TpmMode.parse("device"), dev)) {
      assertEquals(dev.resolve("tpmrm0"), d.path());
    }
  }

  @Test
  void unpermittedDeviceNamesPathAndTssGroup(@TempDir Path dev) throws Exception {
    // A directory cannot be opened for writing: the closest an unprivileged test gets to EACCES.
    Files.createDirectory(dev.resolve("tpmrm0"));
    DzException e = assertThrows(DzException.class,
        () -> KernelTpmDevice.open(TpmMode.parse("device"), dev));
    String m = e.getMessage();
    assertTrue(m.contains(dev.resolve("tpmrm0").toString()), m);
    assertTrue(m.contains("'tss' group") && m.contains("--tpm none"), m);
  }

  @Test
  void noneCannotBeOpened() {
    DzException e = assertThrows(DzException.class, () -> Tpm.open(TpmMode.none()));
    assertEquals(DzException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("--tpm none"));
  }

  @Test
  void unreachableSwtpmNamesAddress() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    DzException e = assertThrows(DzException.class, () -> Tpm.open(TpmMode.swtpm("127.0.0.1", port)));
    assertEquals(DzException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("swtpm at 127.0.0.1:" + port), e.getMessage());
  }
}

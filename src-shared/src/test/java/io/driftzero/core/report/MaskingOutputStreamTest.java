package io.driftzero.core.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskingOutputStreamTest {
  static final String SECRET = "s3cr3t-token-value";

  @Test
  void aSecretSplitAcrossWritesIsStillMasked() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (MaskingOutputStream m = new MaskingOutputStream(sink, SecretMask.pattern(List.of(SECRET)), StandardCharsets.UTF_8)) {
      byte[] line = ("echo " + SECRET + "\nnext line\n").getBytes(StandardCharsets.UTF_8);
      m.write(line, 0, 10);
      m.write(line[10]);
      m.write(line, 11, line.length - 11);
    }
    assertEquals("echo ****\nnext line\n", sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void flushWritesThePartialLineMasked() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    MaskingOutputStream m = new MaskingOutputStream(sink, SecretMask.pattern(List.of(SECRET)), StandardCharsets.UTF_8);
    m.write(("no newline " + SECRET).getBytes(StandardCharsets.UTF_8));
    assertEquals("", sink.toString(StandardCharsets.UTF_8));
    m.flush();
    assertEquals("no newline ****", sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void linesWithoutSecretsPassByteForByteEvenIfNotValidUtf8() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    byte[] raw = {'a', (byte) 0xC3, (byte) 0x28, '\n'};
    try (MaskingOutputStream m = new MaskingOutputStream(sink, SecretMask.pattern(List.of(SECRET)), StandardCharsets.UTF_8)) {
      m.write(raw);
    }
    assertArrayEquals(raw, sink.toByteArray());
  }

  @Test
  void noPatternPassesThrough() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (MaskingOutputStream m = new MaskingOutputStream(sink, (java.util.regex.Pattern) null, StandardCharsets.UTF_8)) {
      m.write((SECRET + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(SECRET + "\n", sink.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aLogOpenedBeforeTheSecretExistsMasksLinesWrittenAfter() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicReference<java.util.regex.Pattern> known = new java.util.concurrent.atomic.AtomicReference<>();
    try (MaskingOutputStream m = MaskingOutputStream.lateBound(sink, known::get, StandardCharsets.UTF_8)) {
      m.write("before\n".getBytes(StandardCharsets.UTF_8));
      known.set(SecretMask.pattern(List.of(SECRET)));
      m.write(("after " + SECRET + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("before\nafter ****\n", sink.toString(StandardCharsets.UTF_8));
  }
}

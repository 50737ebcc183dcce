package io.driftzero.core.oidc;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Asserts that no secret appears anywhere a failure could be printed. */
final class Redaction {
  private Redaction() {}

  /**
   * Checks the whole stack trace text (every message and cause) for each secret and for a JWT's
   * signature part alone, which is what would leak if a token were cut up.
   */
  static void assertRedacted(Throwable failure, String... secrets) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    assertRedacted(trace.toString(), secrets);
  }

  static void assertRedacted(String text, String... secrets) {
    for (String secret : secrets) {
      assertFalse(text.contains(secret), () -> "secret leaked into: " + text);
      int dot = secret.lastIndexOf('.');
      if (dot > 0 && dot < secret.length() - 1) {
        String signature = secret.substring(dot + 1);
        assertFalse(text.contains(signature), () -> "JWT signature leaked into: " + text);
      }
    }
  }
}

package io.driftzero.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecretMaskTest {
  static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl-_x";

  @Test
  void maskedLineShowsNeitherTheSecretNorAnyPartOfIt() {
    Pattern p = SecretMask.pattern(List.of(TOKEN));
    assertEquals("token=**** done", SecretMask.mask("token=" + TOKEN + " done", p));
  }

  @Test
  void base64OfTheSecretIsMaskedAtEveryAlignmentAndInBothAlphabets() {
    Pattern p = SecretMask.pattern(List.of(TOKEN));
    for (String prefix : List.of("", "x", "xy", "xyz", "Authorization: Basic ")) {
      for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder(), Base64.getEncoder().withoutPadding())) {
        String encoded = enc.encodeToString((prefix + TOKEN + ":tail").getBytes(StandardCharsets.UTF_8));
        String masked = SecretMask.mask(encoded, p);
        assertTrue(masked.contains(SecretMask.REPLACEMENT), prefix + " / " + encoded);
        // What survives decodes to at most a few bytes of the secret at either edge.
        assertTrue(masked.length() < encoded.length() - TOKEN.length(), masked);
      }
    }
  }

  @Test
  void formsAreLongestFirstDistinctAndNotTooShort() {
    List<String> forms = SecretMask.forms("abcd");
    assertEquals("YWJjZA==", forms.get(0));
    assertTrue(forms.contains("abcd"));
    assertTrue(forms.contains("YWJjZ"), "without the tail that depends on what follows");
    assertEquals(forms.size(), forms.stream().distinct().count());
    assertTrue(forms.stream().allMatch(f -> f.length() >= SecretMask.MIN_LENGTH));
    for (int i = 1; i < forms.size(); i++) {
      assertTrue(forms.get(i - 1).length() >= forms.get(i).length());
    }
  }

  @Test
  void aSecretContainingAnotherIsMaskedWhole() {
    Pattern p = SecretMask.pattern(List.of("abc", "abcdef"));
    assertEquals("x**** y", SecretMask.mask("xabcdef y", p));
  }

  @Test
  void nothingToMaskGivesNoPatternAndLeavesTextAlone() {
    assertNull(SecretMask.pattern(List.of("")));
    assertEquals(List.of(), SecretMask.forms(null));
    assertEquals("plain", SecretMask.mask("plain", null));
  }

  @Test
  void regexMetacharactersInSecretsAreLiteral() {
    Pattern p = SecretMask.pattern(List.of("a.b*c"));
    assertEquals("****", SecretMask.mask("a.b*c", p));
    assertFalse(p.matcher("axbbbc").find());
  }
}

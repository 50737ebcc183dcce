package io.driftzero.core.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which strings a log must never show for a secret, and one pattern that finds them all: the secret
 * itself and its Base64 forms (standard and URL alphabet, padded and not, at each of the three byte
 * alignments it can have inside a longer encoded string), as Jenkins' credentials-binding masks.
 * A job that runs {@code echo $TOKEN | base64} must not print a usable token either.
 */
public final class SecretMask {
  /** Encoded forms shorter than this would mask ordinary text and are left out. */
  public static final int MIN_LENGTH = 3;

  /** What a masked occurrence is replaced with. */
  public static final String REPLACEMENT = "****";

  private static final Comparator<String> LONGEST_FIRST =
      Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder());

  private SecretMask() {}

  /** The secret and every Base64 form of it, longest first, without duplicates. */
  public static List<String> forms(String secret) {
    if (secret == null || secret.isEmpty()) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    out.add(secret);
    byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
    for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
      for (int shift = 0; shift < 3; shift++) {
        // Prefix `shift` filler bytes so the secret starts at each alignment inside a longer
        // encoding, then drop the leading characters that depend on the filler (2·shift covers
        // them); withoutPartialTail drops the trailing ones that depend on what follows.
        byte[] shifted = new byte[shift + raw.length];
        System.arraycopy(raw, 0, shifted, shift, raw.length);
        String encoded = enc.encodeToString(shifted);
        String stable = shift == 0 ? encoded : encoded.substring(2 * shift);
        out.add(stable);
        out.add(withoutPartialTail(stable));
      }
    }
    return out.stream().filter(s -> s.length() >= MIN_LENGTH).sorted(LONGEST_FIRST).collect(Collectors.toList());
  }

  /**
   * One pattern matching every form of every secret, longest alternatives first so a secret that
   * contains another is masked whole. Null when there is nothing to mask.
   */
  public static Pattern pattern(Collection<String> secrets) {
    List<String> all = new ArrayList<>();
    for (String s : secrets) {
      all.addAll(forms(s));
    }
    if (all.isEmpty()) {
      return null;
    }
    return Pattern.compile(all.stream().distinct().sorted(LONGEST_FIRST).map(Pattern::quote)
        .collect(Collectors.joining("|")));
  }

  /** {@code text} with every match of {@code pattern} replaced by {@value #REPLACEMENT}. */
  public static String mask(String text, Pattern pattern) {
    return pattern == null ? text : pattern.matcher(text).replaceAll(REPLACEMENT);
  }

  // Padding, and the character before it, depend on bytes after the secret when it is embedded.
  private static String withoutPartialTail(String encoded) {
    if (encoded.endsWith("==")) {
      return encoded.substring(0, encoded.length() - 3);
    }
    if (encoded.endsWith("=")) {
      return encoded.substring(0, encoded.length() - 2);
    }
    return encoded;
  }
}

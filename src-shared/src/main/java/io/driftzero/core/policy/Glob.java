package io.driftzero.core.policy;

import java.util.regex.Pattern;

/**
 * An actor pattern: exact text, with {@code *} matching any run of characters (including {@code /}).
 * Nothing else is special, so an id containing regex characters is matched literally.
 */
public record Glob(String pattern, Pattern regex) {
  public static Glob of(String pattern) {
    StringBuilder re = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (re.length() > 0) {
        re.append(".*");
      }
      re.append(Pattern.quote(part));
    }
    return new Glob(pattern, Pattern.compile(re.toString(), Pattern.DOTALL));
  }

  public boolean matches(String s) {
    return s != null && regex.matcher(s).matches();
  }

  @Override
  public String toString() {
    return pattern;
  }
}

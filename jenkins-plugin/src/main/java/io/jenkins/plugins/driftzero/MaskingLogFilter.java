package io.jenkins.plugins.driftzero;

import hudson.console.ConsoleLogFilter;
import hudson.model.Run;
import hudson.util.Secret;
import io.driftzero.core.report.MaskingOutputStream;
import io.driftzero.core.report.SecretMask;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.Collection;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Pattern;

/**
 * Masks a DriftZero credential (and its Base64 forms, per the core's {@link SecretMask}) in the build
 * log, as credentials-binding does for its bindings.
 *
 * <p>Pipeline asks for the filter after the wrapper's {@code setUp}, so the pattern is known and is
 * kept here as a {@link Secret} (encrypted when the Pipeline program is saved). A freestyle build
 * decorates its log before any wrapper runs, so there the pattern is looked up by build, per line,
 * once {@code setUp} has registered it.
 */
final class MaskingLogFilter extends ConsoleLogFilter implements Serializable {
  private static final long serialVersionUID = 1L;

  // Freestyle: secrets registered by setUp for a build whose log was decorated earlier.
  private static final Map<Run<?, ?>, Pattern> PATTERNS_BY_BUILD = new WeakHashMap<>();

  private final Secret pattern;
  private final String charsetName;

  private MaskingLogFilter(Secret pattern, String charsetName) {
    this.pattern = pattern;
    this.charsetName = charsetName;
  }

  /** A filter for secrets already known (Pipeline). */
  static MaskingLogFilter of(Collection<String> secrets, Charset charset) {
    Pattern p = SecretMask.pattern(secrets);
    return new MaskingLogFilter(p == null ? null : Secret.fromString(p.pattern()), charset.name());
  }

  /** A filter that masks what {@link #register} adds for the build later (freestyle). */
  static MaskingLogFilter lateBound(Charset charset) {
    return new MaskingLogFilter(null, charset.name());
  }

  static void register(Run<?, ?> build, Collection<String> secrets) {
    Pattern p = SecretMask.pattern(secrets);
    if (p != null) {
      synchronized (PATTERNS_BY_BUILD) {
        PATTERNS_BY_BUILD.put(build, p);
      }
    }
  }

  static void unregister(Run<?, ?> build) {
    synchronized (PATTERNS_BY_BUILD) {
      PATTERNS_BY_BUILD.remove(build);
    }
  }

  @Override
  public OutputStream decorateLogger(Run build, OutputStream logger) {
    Charset charset = Charset.forName(charsetName);
    if (pattern != null) {
      return new MaskingOutputStream(logger, Pattern.compile(pattern.getPlainText()), charset);
    }
    return MaskingOutputStream.lateBound(logger, () -> {
      synchronized (PATTERNS_BY_BUILD) {
        return PATTERNS_BY_BUILD.get(build);
      }
    }, charset);
  }
}

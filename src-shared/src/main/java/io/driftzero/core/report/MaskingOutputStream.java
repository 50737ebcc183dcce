package io.driftzero.core.report;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Masks secrets line by line on their way to a log: bytes are held until a newline (or
 * {@link #flush()} / {@link #close()}), decoded, masked with a {@link SecretMask#pattern} and written
 * on. A line is the unit because a secret split across two {@code write} calls must still be found;
 * a secret split across lines is not a secret a log can reassemble either.
 */
public final class MaskingOutputStream extends FilterOutputStream {
  private final Supplier<Pattern> pattern;
  private final Charset charset;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  /**
   * @param out where masked lines go
   * @param pattern from {@link SecretMask#pattern}; null passes bytes through unchanged
   * @param charset the log's charset
   */
  public MaskingOutputStream(OutputStream out, Pattern pattern, Charset charset) {
    this(out, charset, () -> pattern);
  }

  private MaskingOutputStream(OutputStream out, Charset charset, Supplier<Pattern> pattern) {
    super(out);
    this.pattern = pattern;
    this.charset = charset;
  }

  /**
   * For logs opened before the secret exists (a Jenkins freestyle build decorates its log before any
   * build wrapper runs): {@code pattern} is asked again at every line, so lines written after the
   * secret is known are masked; it may return null while there is nothing to mask.
   */
  public static MaskingOutputStream lateBound(OutputStream out, Supplier<Pattern> pattern, Charset charset) {
    return new MaskingOutputStream(out, charset, pattern);
  }

  @Override
  public void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        line.write(b, start, i + 1 - start);
        emit();
        start = i + 1;
      }
    }
    line.write(b, start, off + len - start);
  }

  /** Flushing writes out the partial line, masked; a secret is never held back unmasked. */
  @Override
  public void flush() throws IOException {
    emit();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      emit();
    } finally {
      out.close();
    }
  }

  private void emit() throws IOException {
    if (line.size() == 0) {
      return;
    }
    Pattern p = pattern.get();
    String text = p == null ? null : line.toString(charset);
    if (text != null && p.matcher(text).find()) {
      out.write(SecretMask.mask(text, p).getBytes(charset));
    } else {
      // Untouched lines go out byte for byte, even if they are not valid in the charset.
      line.writeTo(out);
    }
    line.reset();
  }
}

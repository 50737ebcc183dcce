package io.driftzero.core.oidc;

import io.driftzero.core.DzException;
import io.driftzero.core.DzException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a token file, bounded, so a wrong path (a log, an archive) fails fast and clearly. */
final class TokenFiles {
  private TokenFiles() {}

  static String read(Path path, String fix) throws DzException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(IdToken.MAX_CHARS + 2);
      if (bytes.length > IdToken.MAX_CHARS + 1) {
        throw new DzException(
            Kind.BAD_INPUT, "ID token file " + path + " is too large to be a CI job token");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DzException(Kind.BAD_INPUT, "ID token file " + path + " does not exist: " + fix);
    } catch (IOException e) {
      throw new DzException(
          Kind.BAD_INPUT, "cannot read ID token file " + path + ": " + e.getMessage(), e);
    }
  }
}

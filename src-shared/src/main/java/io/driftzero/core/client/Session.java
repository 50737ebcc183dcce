package io.driftzero.core.client;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.sign.EcKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an accepted attestation leaves for the credential request: the attestation id and its bearer
 * session token. Saved to a file readable by its owner only; the token is redacted from toString.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Session(String server, String attestationId, String sessionToken, String expiresAt,
    String policy, String auditId, Long rekorLogIndex, String rekorUuid) {

  public void save(Path file) throws DzException {
    try {
      EcKeys.writeSecret(file, Json.write(this));
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Cannot write session file " + file + ": "
          + e.getClass().getSimpleName() + "; choose a writable --session-file");
    }
  }

  public static Session load(Path file) throws DzException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "No session file at " + file
          + "; run 'dzctl attest' first (it writes the session there) or pass --session-file");
    }
    return Json.read(text, Session.class, "session file " + file);
  }

  @Override
  public String toString() {
    return "Session[server=" + server + ", attestationId=" + attestationId + ", sessionToken=***, expiresAt="
        + expiresAt + ", policy=" + policy + "]";
  }
}

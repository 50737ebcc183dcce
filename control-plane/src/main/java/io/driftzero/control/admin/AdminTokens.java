package io.driftzero.control.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.json.YamlDoc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may use the admin API: named bearer tokens with a role, stored only as SHA-256 hashes in a
 * YAML file ({@code --admin-tokens}). {@code reader} may read and validate; {@code admin} may also
 * change the policy. Tokens are compared in constant time and never logged.
 */
public final class AdminTokens {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A role: what an authenticated caller may do. */
  public enum Role { READER, ADMIN }

  /** An authenticated caller. */
  public record Principal(String name, Role role) {
    public boolean may(Role needed) {
      return role == Role.ADMIN || needed == Role.READER;
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record File(List<Entry> tokens) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Entry(String name, String role, String sha256) {}

  private record Known(Principal who, byte[] hash) {}

  private final List<Known> known;

  private AdminTokens(List<Known> known) {
    this.known = List.copyOf(known);
  }

  public static AdminTokens load(Path file) throws DzException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DzException(DzException.Kind.BAD_INPUT, "Cannot read admin tokens file " + file
          + "; check --admin-tokens and its permissions");
    }
    YamlDoc doc = YamlDoc.parse(file.toString(), text);
    File f = doc.bind(doc.root(), "", File.class);
    if (f.tokens() == null || f.tokens().isEmpty()) {
      throw doc.error("/tokens", "list at least one token (create one with 'dz-control admin token --name N --role admin')");
    }
    List<Known> out = new ArrayList<>();
    for (int i = 0; i < f.tokens().size(); i++) {
      Entry e = f.tokens().get(i);
      String at = "/tokens/" + i;
      if (e.name() == null || !NAME.matcher(e.name()).matches()) {
        throw doc.error(at + "/name", "a name of letters, digits and . _ @ - (it appears in audit events)");
      }
      Role role;
      try {
        role = Role.valueOf(String.valueOf(e.role()).toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException ex) {
        throw doc.error(at + "/role", "must be admin or reader");
      }
      if (e.sha256() == null || !HEX64.matcher(e.sha256()).matches()) {
        throw doc.error(at + "/sha256", "the token's SHA-256 in lowercase hex, as 'dz-control admin token' prints it;"
            + " never the token itself");
      }
      out.add(new Known(new Principal(e.name(), role), HexFormat.of().parseHex(e.sha256())));
    }
    return new AdminTokens(out);
  }

  /** The caller a bearer token belongs to, if any. Every entry is compared, in constant time. */
  public Optional<Principal> authenticate(String bearer) {
    if (bearer == null || bearer.isEmpty()) {
      return Optional.empty();
    }
    byte[] h = sha256(bearer);
    Principal found = null;
    for (Known k : known) {
      if (MessageDigest.isEqual(k.hash(), h)) {
        found = k.who();
      }
    }
    return Optional.ofNullable(found);
  }

  /** A new random token and the YAML entry (hash only) that enrols it. */
  public static String[] newToken(String name, Role role) throws DzException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new DzException(DzException.Kind.BAD_INPUT, "--name must be letters, digits and . _ @ -");
    }
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String token = "dza_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    String entry = "  - name: " + name + "\n    role: " + role.name().toLowerCase(java.util.Locale.ROOT)
        + "\n    sha256: " + HexFormat.of().formatHex(sha256(token)) + "\n";
    return new String[] {token, entry};
  }

  private static byte[] sha256(String s) {
    return Json.digest(s.getBytes(StandardCharsets.UTF_8));
  }
}

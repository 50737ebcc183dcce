package io.driftzero.core.tpm;

import io.driftzero.core.DzException;
import java.util.Locale;

/**
 * Which TPM to use, from one explicit setting ({@code --tpm}). There is deliberately no mode that
 * quietly falls back from hardware to a simulator: a quote from a software TPM proves nothing about
 * the machine, so the operator has to ask for one by name.
 *
 * <ul>
 *   <li>{@code device} — the kernel TPM: {@code /dev/tpmrm0} (the resource manager), else
 *       {@code /dev/tpm0}. TPM2_Startup is never sent: the firmware/kernel already did it.
 *   <li>{@code auto} — the same kernel device; fails (never falls back) when there is none.
 *   <li>{@code swtpm:HOST:PORT} — a software TPM (swtpm) over TCP; its control port is PORT+1.
 *   <li>{@code none} — no TPM: the attestation carries no hardware anchor.
 * </ul>
 *
 * @param kind the mode
 * @param host swtpm host ({@code null} unless {@link Kind#SWTPM})
 * @param port swtpm data port ({@code 0} unless {@link Kind#SWTPM})
 */
public record TpmMode(Kind kind, String host, int port) {

  /** The setting's name as users type it. */
  public static final String SETTING = "--tpm";

  /** The accepted forms, quoted in every parse error. */
  public static final String ALLOWED_FORMS = "device, auto, none, swtpm:HOST:PORT (e.g. swtpm:127.0.0.1:2321)";

  /** The kinds of TPM access. */
  public enum Kind {
    DEVICE,
    AUTO,
    SWTPM,
    NONE
  }

  public TpmMode {
    if (kind == null) {
      throw new IllegalArgumentException("kind");
    }
    if (kind == Kind.SWTPM && (host == null || host.isBlank() || port < 1 || port > 65534)) {
      throw new IllegalArgumentException("swtpm needs a host and a port in 1..65534");
    }
  }

  /** A software TPM at {@code host:port} (control channel on {@code port + 1}). */
  public static TpmMode swtpm(String host, int port) {
    return new TpmMode(Kind.SWTPM, host, port);
  }

  /** No TPM. */
  public static TpmMode none() {
    return new TpmMode(Kind.NONE, null, 0);
  }

  /**
   * Parses the {@code --tpm} setting.
   *
   * @throws DzException {@code BAD_INPUT} naming the setting, the value and the allowed forms
   */
  public static TpmMode parse(String setting) throws DzException {
    if (setting == null || setting.isBlank()) {
      throw bad(setting, "it is empty");
    }
    String v = setting.trim();
    switch (v.toLowerCase(Locale.ROOT)) {
      case "device":
        return new TpmMode(Kind.DEVICE, null, 0);
      case "auto":
        return new TpmMode(Kind.AUTO, null, 0);
      case "none":
        return none();
      default:
        break;
    }
    if (!v.regionMatches(true, 0, "swtpm:", 0, 6)) {
      throw bad(v, "unknown mode");
    }
    String rest = v.substring(6);
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1) {
      throw bad(v, "swtpm needs HOST:PORT");
    }
    String host = rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [::1]:2321
    }
    int port;
    try {
      port = Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw bad(v, "PORT is not a number");
    }
    if (host.isBlank() || port < 1 || port > 65534) {
      throw bad(v, "PORT must be 1..65534 (the control channel uses PORT+1)");
    }
    return swtpm(host, port);
  }

  /** True when a TPM is to be used at all. */
  public boolean enabled() {
    return kind != Kind.NONE;
  }

  /** The setting as it would be typed, e.g. {@code swtpm:127.0.0.1:2321}. */
  @Override
  public String toString() {
    return kind == Kind.SWTPM
        ? "swtpm:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
        : kind.name().toLowerCase(Locale.ROOT);
  }

  private static DzException bad(String value, String why) {
    return new DzException(DzException.Kind.BAD_INPUT,
        "Invalid " + SETTING + " value '" + value + "' (" + why + "); allowed: " + ALLOWED_FORMS);
  }
}

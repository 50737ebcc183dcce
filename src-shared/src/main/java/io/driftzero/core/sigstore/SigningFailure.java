package io.driftzero.core.sigstore;

import dev.sigstore.KeylessSignerException;
import io.driftzero.core.DzException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Turns a sigstore-java signing failure into a {@link DzException} that names the service and URL,
 * and decides whether it is worth retrying. gRPC and google-http-client are runtime-only
 * dependencies of sigstore-java, so their exceptions are recognised by class name.
 */
record SigningFailure(Stage stage, boolean transientFailure, String detail) {

  /** Which peer failed. */
  enum Stage { FULCIO, REKOR, OTHER }

  private static final Pattern JWT = Pattern.compile("eyJ[\\w-]*\\.[\\w-]*\\.[\\w-]*");

  /**
   * {@code e} is a {@link KeylessSignerException}, or a gRPC {@code StatusRuntimeException} that
   * sigstore-java 2.0.0 lets escape unwrapped from its Fulcio client.
   */
  static SigningFailure classify(Exception e, String token) {
    String msg = String.valueOf(e.getMessage());
    Stage stage = msg.startsWith("Failed to obtain signing certificate") || isGrpc(e) ? Stage.FULCIO
        : msg.startsWith("Failed to put entry in rekor") ? Stage.REKOR : Stage.OTHER;
    Throwable root = e;
    boolean transientFailure = isTransient(e);
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      root = t;
      transientFailure |= isTransient(t);
    }
    // gRPC's own message says more (status + server detail) than its netty cause.
    Throwable shown = isGrpc(e) ? e : root;
    String detail = shown == e && !isGrpc(e) ? msg : shown.getClass().getSimpleName() + ": " + shown.getMessage();
    return new SigningFailure(stage, transientFailure, redact(detail, token));
  }

  static boolean isGrpc(Throwable t) {
    String type = t.getClass().getName();
    return type.equals("io.grpc.StatusRuntimeException") || type.equals("io.grpc.StatusException");
  }

  private static boolean isTransient(Throwable t) {
    String type = t.getClass().getName();
    String msg = String.valueOf(t.getMessage());
    if (isGrpc(t)) {
      return msg.startsWith("UNAVAILABLE") || msg.startsWith("DEADLINE_EXCEEDED")
          || msg.startsWith("RESOURCE_EXHAUSTED");
    }
    if (type.equals("com.google.api.client.http.HttpResponseException")) {
      return msg.startsWith("5") || msg.startsWith("429");
    }
    return t instanceof IOException;
  }

  DzException toException(String url, int attempts) {
    String what = switch (stage) {
      case FULCIO -> "Failed to obtain signing certificate from " + url;
      case REKOR -> "Failed to record the signature in the Rekor log at " + url;
      case OTHER -> "Sigstore signing failed";
    };
    String tries = attempts > 1 ? " (after " + attempts + " attempts)" : "";
    String hint = transientFailure ? "; check that the service is reachable from this runner"
        : stage == Stage.FULCIO ? "; check the identity token's issuer, audience (sigstore) and expiry"
        : "";
    return new DzException(
        transientFailure ? DzException.Kind.UNAVAILABLE
            : stage == Stage.FULCIO ? DzException.Kind.DENIED : DzException.Kind.INTERNAL,
        what + tries + ": " + detail + hint);
  }

  /** Removes the token, and anything shaped like a JWT, from text that may reach a log. */
  static String redact(String text, String token) {
    if (text == null) {
      return "";
    }
    String out = token == null || token.isEmpty() ? text : text.replace(token, "<redacted token>");
    return JWT.matcher(out).replaceAll("<redacted token>");
  }
}

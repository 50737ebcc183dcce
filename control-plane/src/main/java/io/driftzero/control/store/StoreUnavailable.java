package io.driftzero.control.store;

/**
 * The store failed (down, full, lost connection). The API answers 503 and nothing is issued: a
 * credential never leaves without its committed audit event.
 */
public final class StoreUnavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailable(String what, Throwable cause) {
    super("store unavailable while " + what + ": " + cause.getClass().getSimpleName(), cause);
  }
}

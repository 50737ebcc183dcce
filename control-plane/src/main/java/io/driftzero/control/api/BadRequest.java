package io.driftzero.control.api;

/** A request the API rejects with 400, naming the field and the fix. Never carries secrets. */
public final class BadRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public BadRequest(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}

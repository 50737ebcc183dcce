package io.driftzero.core;

/**
 * Exit codes shared by dzctl and dz-control: 0 ok, 1 denied or verification failed, 2 usage or bad
 * input, 3 a peer unavailable.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int DENIED = 1;
  public static final int USAGE = 2;
  public static final int UNAVAILABLE = 3;

  private ExitCodes() {}

  public static int of(DzException e) {
    return switch (e.kind()) {
      case BAD_INPUT -> USAGE;
      case UNAVAILABLE -> UNAVAILABLE;
      case DENIED, VERIFICATION, INTERNAL -> DENIED;
    };
  }
}

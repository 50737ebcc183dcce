package io.driftzero.core.sigstore;

import java.time.Duration;

/**
 * How often and how patiently to retry Fulcio and Rekor when they cannot be reached. Only
 * transient failures (connection refused or reset, timeouts, gRPC UNAVAILABLE, HTTP 5xx) are
 * retried; a refused token or a rejected entry is final. Backoff doubles up to {@code maxBackoff}.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /** 4 attempts, 0.5 s, 1 s, 2 s apart: rides out a restart without stalling a pipeline long. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(2));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** The pause before attempt {@code attempt + 1} (attempts count from 1). */
  public Duration backoffAfter(int attempt) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}

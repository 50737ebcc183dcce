package io.driftzero.core.oidc;

import java.time.Duration;

/**
 * Timeouts and bounded retries for a token endpoint. Retries cover what a retry can fix: connect
 * failures, timeouts, HTTP 429 and 5xx. Backoff doubles from {@code initialBackoff} up to {@code
 * maxBackoff}.
 *
 * @param connectTimeout TCP/TLS connect timeout per attempt
 * @param readTimeout read timeout per attempt
 * @param maxAttempts attempts in total, at least 1
 * @param initialBackoff wait before the second attempt
 * @param maxBackoff cap on any single wait
 */
public record HttpPolicy(
    Duration connectTimeout,
    Duration readTimeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff) {

  /** Defaults for a CI runner: 4 attempts within about 4 seconds of waiting. */
  public static final HttpPolicy DEFAULTS =
      new HttpPolicy(
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          4,
          Duration.ofMillis(500),
          Duration.ofSeconds(2));

  /** Validates: at least one attempt, no negative durations. */
  public HttpPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (connectTimeout.isNegative()
        || readTimeout.isNegative()
        || initialBackoff.isNegative()
        || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }

  /** The wait before attempt {@code attempt + 1} (attempt counts from 1). */
  Duration backoffAfter(int attempt) {
    Duration d = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}

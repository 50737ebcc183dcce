package io.driftzero.control.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code perSecond} requests a second on average, bursts up to
 * {@code burst}. Buckets are forgotten after a minute unused, so the map cannot be grown without
 * bound by a spray of addresses (at most {@link #MAX_CLIENTS}; past that, new clients share one
 * bucket rather than evict the others).
 */
public final class RateLimiter {
  static final int MAX_CLIENTS = 100_000;
  private static final long IDLE_NANOS = 60_000_000_000L;
  private static final String OVERFLOW = "(overflow)";

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }

  /** {@code nanos} is a monotonic clock ({@code System::nanoTime} in production). */
  public RateLimiter(double perSecond, double burst, LongSupplier nanos) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanos = nanos;
  }

  /** Takes a token for {@code client}; 0 when allowed, else the whole seconds to wait before retrying. */
  public long acquire(String client) {
    long now = nanos.getAsLong();
    if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
      buckets.values().removeIf(b -> now - b.last > IDLE_NANOS);
      if (buckets.size() >= MAX_CLIENTS) {
        client = OVERFLOW;
      }
    }
    Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(burst, now));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (now - b.last) / 1e9 * perSecond);
      b.last = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - b.tokens) / perSecond);
    }
  }

  /** Parses {@code N/s} (or a bare N): requests per second per client. */
  public static double parseRate(String s) {
    String v = s.trim();
    if (v.endsWith("/s")) {
      v = v.substring(0, v.length() - 2);
    }
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      d = -1;
    }
    if (!(d > 0) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("--rate-limit '" + s + "' is not a rate; write e.g. 50/s (requests per second per client address)");
    }
    return d;
  }
}

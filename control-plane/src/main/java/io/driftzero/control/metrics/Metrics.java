package io.driftzero.control.metrics;

import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.Reason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * dz-control's Prometheus metrics, served at {@code /metrics} in the text exposition format. Its own
 * registry (not the global default), so two control planes in one JVM never mix their numbers.
 *
 * <ul>
 *   <li>{@code dz_decisions_total{action,result}}: committed decisions, counted from their audit
 *       events, so a decision whose commit failed is not counted;
 *   <li>{@code dz_denial_reasons_total{action,reason}}: each reason code of a denial;
 *   <li>{@code dz_http_request_duration_seconds{method,route,status}}: request latency by route
 *       template (never the raw path, which would let clients create series at will);
 *   <li>{@code dz_audit_chain_height}: the chain head's seq, read from the store at scrape time; the
 *       last value seen when the store does not answer.
 * </ul>
 */
public final class Metrics {
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter decisions;
  private final Counter denialReasons;
  private final Histogram latency;
  private final AtomicLong lastHeight = new AtomicLong();
  private volatile LongSupplier chainHeight = () -> 0;

  public Metrics() {
    decisions = Counter.builder().name("dz_decisions_total")
        .help("Committed decisions by action (ATTEST, CREDENTIAL_ISSUE) and result (ACCEPTED, DENIED, ISSUED)")
        .labelNames("action", "result").register(registry);
    denialReasons = Counter.builder().name("dz_denial_reasons_total")
        .help("Reason codes of committed denials; one denial may carry several")
        .labelNames("action", "reason").register(registry);
    latency = Histogram.builder().name("dz_http_request_duration_seconds")
        .help("HTTP request latency by route template")
        .labelNames("method", "route", "status").classicOnly()
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
    GaugeWithCallback.builder().name("dz_audit_chain_height").help("seq of the audit chain's head event")
        .callback(cb -> cb.call(height())).register(registry);
  }

  /** Where {@code dz_audit_chain_height} comes from (the audit log's head); it may throw when the store is down. */
  public void chainHeight(LongSupplier source) {
    this.chainHeight = source;
  }

  private double height() {
    try {
      lastHeight.set(chainHeight.getAsLong());
    } catch (RuntimeException e) {
      // The store is down: report the last height seen rather than fail the scrape.
    }
    return lastHeight.get();
  }

  /** Counts a committed decision (register as the audit log's listener). */
  public void decision(AuditEvent e) {
    decisions.labelValues(e.action(), e.result()).inc();
    if (e.reasons() != null) {
      for (Reason r : e.reasons()) {
        denialReasons.labelValues(e.action(), r.code()).inc();
      }
    }
  }

  /** Records one finished request; {@code route} is the matched template, or "unmatched". */
  public void request(String method, String route, int status, double seconds) {
    latency.labelValues(method, route, Integer.toString(status)).observe(seconds);
  }

  public String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  /** The current values in the text exposition format. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TEXT.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}

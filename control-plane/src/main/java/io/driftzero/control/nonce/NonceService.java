package io.driftzero.control.nonce;

import io.driftzero.control.store.Database;
import io.driftzero.control.store.StoreUnavailable;
import io.driftzero.core.model.NonceResponse;
import io.driftzero.core.model.Reason;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-use, short-lived nonces. Consumption is one conditional UPDATE, so a nonce is accepted at
 * most once even when several dz-control replicas share the database.
 */
public final class NonceService {
  public static final String NONCE_UNKNOWN = "NONCE_UNKNOWN";
  public static final String NONCE_EXPIRED = "NONCE_EXPIRED";
  public static final String NONCE_REUSED = "NONCE_REUSED";
  private static final Logger LOG = LoggerFactory.getLogger(NonceService.class);
  private static final long PURGE_EVERY = 64;

  private final Database db;
  private final Clock clock;
  private final Duration ttl;
  private final AtomicLong issued = new AtomicLong();

  public NonceService(Database db, Clock clock, Duration ttl) {
    this.db = db;
    this.clock = clock;
    this.ttl = ttl;
  }

  public NonceResponse issue() {
    String nonce = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Instant exp = now.plus(ttl);
    try {
      db.tx(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO nonces (nonce, issued_at, expires_at) VALUES (?, ?, ?)")) {
          ps.setString(1, nonce);
          ps.setLong(2, now.toEpochMilli());
          ps.setLong(3, exp.toEpochMilli());
          ps.executeUpdate();
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreUnavailable("issuing a nonce", e);
    }
    if (issued.getAndIncrement() % PURGE_EVERY == 0) {
      purge(now);
    }
    return new NonceResponse(nonce, exp.toString());
  }

  /**
   * Housekeeping: forget nonces long past use, so the table stays small. Its own transaction, now and
   * then, and never the caller's problem: with replicas, two purges of overlapping rows can deadlock
   * and PostgreSQL aborts one; that must not turn a nonce request into a 503. The next purge catches up.
   */
  private void purge(Instant now) {
    try {
      db.tx(c -> {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM nonces WHERE expires_at < ?")) {
          ps.setLong(1, now.minus(Duration.ofDays(1)).toEpochMilli());
          return ps.executeUpdate();
        }
      });
    } catch (SQLException | StoreUnavailable e) {
      LOG.warn("nonce housekeeping skipped: {}", e.getMessage());
    }
  }

  /** What {@link #consume} would say, without consuming (for dry runs). */
  public Optional<Reason> peek(String nonce) {
    try (var c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT expires_at, used_at FROM nonces WHERE nonce = ?")) {
      ps.setString(1, nonce);
      try (ResultSet rs = ps.executeQuery()) {
        return reasonFor(rs);
      }
    } catch (SQLException e) {
      throw new StoreUnavailable("reading a nonce", e);
    }
  }

  private Optional<Reason> reasonFor(ResultSet rs) throws SQLException {
    if (!rs.next()) {
      return Optional.of(new Reason(NONCE_UNKNOWN,
          "nonce was not issued by this control plane; request one from GET /v1/nonce"));
    }
    long expires = rs.getLong(1);
    rs.getLong(2);
    if (!rs.wasNull()) {
      return Optional.of(new Reason(NONCE_REUSED,
          "nonce was already used (replay?); every attestation needs a fresh nonce from GET /v1/nonce"));
    }
    if (expires < clock.millis()) {
      return Optional.of(new Reason(NONCE_EXPIRED, "nonce expired at " + Instant.ofEpochMilli(expires)
          + "; request a fresh one and attest within " + ttl.toSeconds() + " s"));
    }
    return Optional.empty();
  }

  /** Consumes {@code nonce}; empty when it was fresh and unused, else the reason it is not. */
  public Optional<Reason> consume(String nonce) {
    long now = clock.millis();
    try {
      return db.tx(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL AND expires_at >= ?")) {
          ps.setLong(1, now);
          ps.setString(2, nonce);
          ps.setLong(3, now);
          if (ps.executeUpdate() == 1) {
            return Optional.empty();
          }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT expires_at, used_at FROM nonces WHERE nonce = ?")) {
          ps.setString(1, nonce);
          try (ResultSet rs = ps.executeQuery()) {
            Optional<Reason> r = reasonFor(rs);
            // Expired-at-consume races a fresh read; still a refusal.
            return r.isPresent() ? r : Optional.of(new Reason(NONCE_EXPIRED, "nonce expired; request a fresh one"));
          }
        }
      });
    } catch (SQLException e) {
      throw new StoreUnavailable("consuming a nonce", e);
    }
  }
}

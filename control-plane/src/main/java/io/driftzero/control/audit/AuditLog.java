package io.driftzero.control.audit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import io.driftzero.control.store.Database;
import io.driftzero.control.store.StoreUnavailable;
import io.driftzero.core.DzException;
import io.driftzero.core.json.Json;
import io.driftzero.core.model.AuditEvent;
import io.driftzero.core.model.AuditPage;
import io.driftzero.core.sign.EcKeys;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The signed, hash-chained audit log. {@link #append} locks the chain head row, links the event to
 * the previous one ({@code seq}, {@code prev_hash}), signs it, and commits it together with whatever
 * else the caller writes in the same transaction (an issued credential's {@code jti}), so an event
 * and the thing it records are committed or lost together.
 */
public final class AuditLog {
  private final Database db;
  private final java.util.function.Supplier<ECKey> keys;
  private final Consumer<AuditEvent> committed;
  /** The current key with its private half converted once for the ECDSA provider. */
  private record Signer(ECKey key, PrivateKey privateKey) {}
  private volatile Signer signer;

  public AuditLog(Database db, ECKey key) throws DzException {
    this(db, key, e -> {});
  }

  /** {@code committed} hears of each event after its transaction committed (metrics); it must not throw. */
  public AuditLog(Database db, ECKey key, Consumer<AuditEvent> committed) throws DzException {
    this(db, () -> key, committed);
    signer();
  }

  /** Signs with whatever key {@code keys} says is current (it changes on rotation). */
  public AuditLog(Database db, java.util.function.Supplier<ECKey> keys, Consumer<AuditEvent> committed) {
    this.db = db;
    this.keys = keys;
    this.committed = committed;
  }

  private Signer signer() throws DzException {
    ECKey current = keys.get();
    Signer s = signer;
    if (s == null || !s.key().getKeyID().equals(current.getKeyID())) {
      try {
        s = new Signer(current, EcKeys.forEcdsa(current.toPrivateKey()));
      } catch (JOSEException e) {
        throw new DzException(DzException.Kind.INTERNAL, "audit signing key unusable", e);
      }
      signer = s;
    }
    return s;
  }

  /** More writes to commit atomically with the event. */
  @FunctionalInterface
  public interface WithEvent {
    void write(Connection c, AuditEvent committed) throws SQLException;
  }

  public AuditEvent append(AuditEvent draft) {
    return append(draft, (c, e) -> {});
  }

  /**
   * Appends under the {@code audit_head} row lock: every writer, in this process or another replica,
   * waits here for the one before it to commit, which is what keeps the chain linear and gap-free.
   * The lock is held for one signature and three small writes.
   */
  public AuditEvent append(AuditEvent draft, WithEvent alsoWrite) {
    AuditEvent out;
    try {
      out = db.tx(c -> {
        AuditEvent signed = chain(c, List.of(draft)).get(0);
        alsoWrite.write(c, signed);
        return signed;
      });
    } catch (SQLException e) {
      throw new StoreUnavailable("appending an audit event", e);
    }
    committed.accept(out);
    return out;
  }

  /**
   * Appends many events in one transaction (one head lock, batched inserts), in order: for importing
   * a trail and for the scale benchmark. Same chain, signatures and hashes as {@link #append}.
   */
  public List<AuditEvent> appendAll(List<AuditEvent> drafts) {
    List<AuditEvent> out;
    try {
      out = db.tx(c -> chain(c, drafts));
    } catch (SQLException e) {
      throw new StoreUnavailable("appending audit events", e);
    }
    out.forEach(committed);
    return out;
  }

  /** Locks the head, links, signs and inserts {@code drafts}, and moves the head; caller commits. */
  private List<AuditEvent> chain(Connection c, List<AuditEvent> drafts) throws SQLException {
    Signer sig;
    try {
      sig = signer();
    } catch (DzException e) {
      throw new SQLException(e.getMessage(), e);
    }
    long seq;
    String prev;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_hash FROM audit_head WHERE id = 1 FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("audit_head row missing: the schema was altered");
      }
      seq = rs.getLong(1);
      prev = rs.getString(2);
    }
    List<AuditEvent> out = new ArrayList<>(drafts.size());
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_events"
        + " (seq, audit_id, ts, actor, action, result, policy, target, event_hash, event_json)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (AuditEvent draft : drafts) {
        seq++;
        AuditEvent unsigned = draft.withChain(seq, prev, sig.key().getKeyID());
        AuditEvent signed = unsigned.withSignature(EcKeys.signDer(sig.privateKey(), unsigned.signedBytes()));
        prev = signed.hash();
        ps.setLong(1, seq);
        ps.setString(2, signed.auditId());
        ps.setLong(3, Instant.parse(signed.timestamp()).toEpochMilli());
        ps.setString(4, signed.actor());
        ps.setString(5, signed.action());
        ps.setString(6, signed.result());
        ps.setString(7, signed.policy());
        ps.setString(8, signed.target());
        ps.setString(9, prev);
        ps.setString(10, Json.write(signed));
        ps.addBatch();
        out.add(signed);
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, event_hash = ? WHERE id = 1")) {
      ps.setLong(1, seq);
      ps.setString(2, prev);
      ps.executeUpdate();
    }
    return out;
  }

  public Optional<AuditEvent> get(String auditId) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT event_json FROM audit_events WHERE audit_id = ?")) {
      ps.setString(1, auditId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreUnavailable("reading an audit event", e);
    }
  }

  /** Newest first; the cursor is the last seq returned. */
  public AuditPage query(AuditQuery q) {
    StringBuilder sql = new StringBuilder("SELECT seq, event_json FROM audit_events WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    where(sql, args, "actor", q.actor());
    where(sql, args, "result", q.result());
    where(sql, args, "action", q.action());
    where(sql, args, "policy", q.policy());
    where(sql, args, "target", q.target());
    if (q.since() != null) {
      sql.append(" AND ts >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.until() != null) {
      sql.append(" AND ts < ?");
      args.add(q.until().toEpochMilli());
    }
    if (q.beforeSeq() != null) {
      sql.append(" AND seq < ?");
      args.add(q.beforeSeq());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    args.add(q.limit() + 1);
    try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<AuditEvent> events = new ArrayList<>();
      long lastSeq = 0;
      boolean more = false;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (events.size() == q.limit()) {
            more = true;
            break;
          }
          lastSeq = rs.getLong(1);
          events.add(parse(rs.getString(2)));
        }
      }
      return new AuditPage(events, more ? encodeCursor(lastSeq) : null);
    } catch (SQLException e) {
      throw new StoreUnavailable("querying audit events", e);
    }
  }

  /** Height of the chain (the head's seq). */
  public long height() {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_head WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreUnavailable("reading the audit head", e);
    }
  }

  public static String encodeCursor(long seq) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.utf8("seq:" + seq));
  }

  /** The seq a cursor stands for, or empty when it is not one of ours. */
  public static Optional<Long> decodeCursor(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
      return s.startsWith("seq:") ? Optional.of(Long.parseLong(s.substring(4))) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static void where(StringBuilder sql, List<Object> args, String col, String v) {
    if (v != null) {
      sql.append(" AND ").append(col).append(" = ?");
      args.add(v);
    }
  }

  private static AuditEvent parse(String json) {
    try {
      return Json.mapper().readValue(json, AuditEvent.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored audit event is not valid JSON", e);
    }
  }
}

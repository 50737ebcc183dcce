package io.driftzero.control.attest;

import io.driftzero.control.store.Database;
import io.driftzero.control.store.StoreUnavailable;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;

/** Stored attest decisions, and the session lookup that credential requests authenticate with. */
public final class Attestations {
  private final Database db;

  public Attestations(Database db) {
    this.db = db;
  }

  /** A stored decision. */
  public record Row(String attestationId, long createdAt, long expiresAt, String actor, String policy,
      String manifestId, String manifestVersion, String manifestHash, String result, String sessionHash,
      String auditId, String rekorUuid, Long rekorLogIndex, String hardwareAnchor, String requestJson) {}

  public static String sessionHash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of a presented token against the stored hash. */
  public static boolean sessionMatches(Row row, String token) {
    if (row.sessionHash() == null || token == null) {
      return false;
    }
    return MessageDigest.isEqual(row.sessionHash().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        sessionHash(token).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  static void insert(Connection c, Row r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO attestations (attestation_id, created_at, expires_at,"
        + " actor, policy, manifest_id, manifest_version, manifest_hash, result, session_hash, audit_id, rekor_uuid,"
        + " rekor_log_index, hardware_anchor, request_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.attestationId());
      ps.setLong(2, r.createdAt());
      ps.setLong(3, r.expiresAt());
      ps.setString(4, r.actor());
      ps.setString(5, r.policy());
      ps.setString(6, r.manifestId());
      ps.setString(7, r.manifestVersion());
      ps.setString(8, r.manifestHash());
      ps.setString(9, r.result());
      ps.setString(10, r.sessionHash());
      ps.setString(11, r.auditId());
      ps.setString(12, r.rekorUuid());
      ps.setObject(13, r.rekorLogIndex());
      ps.setString(14, r.hardwareAnchor());
      ps.setString(15, r.requestJson());
      ps.executeUpdate();
    }
  }

  public Optional<Row> find(String attestationId) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT attestation_id, created_at, expires_at, actor, policy,"
            + " manifest_id, manifest_version, manifest_hash, result, session_hash, audit_id, rekor_uuid,"
            + " rekor_log_index, hardware_anchor, request_json FROM attestations WHERE attestation_id = ?")) {
      ps.setString(1, attestationId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long idx = rs.getLong(13);
        Long logIndex = rs.wasNull() ? null : idx;
        return Optional.of(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
            rs.getString(12), logIndex, rs.getString(14), rs.getString(15)));
      }
    } catch (SQLException e) {
      throw new StoreUnavailable("reading an attestation", e);
    }
  }
}

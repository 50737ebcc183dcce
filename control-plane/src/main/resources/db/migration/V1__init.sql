-- DriftZero schema v1. Portable SQL: runs unchanged on the embedded H2 file database and on
-- PostgreSQL. Times are epoch milliseconds (BIGINT) so no driver time-zone rules apply.

CREATE TABLE nonces (
  nonce       VARCHAR(64) PRIMARY KEY,
  issued_at   BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  used_at     BIGINT
);
CREATE INDEX nonces_expires ON nonces (expires_at);

-- Every attest request that reached a decision, accepted or denied. The session token is stored
-- only as its SHA-256.
CREATE TABLE attestations (
  attestation_id   VARCHAR(36) PRIMARY KEY,
  created_at       BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL,
  actor            VARCHAR(512) NOT NULL,
  policy           VARCHAR(512),
  manifest_id      VARCHAR(512),
  manifest_version VARCHAR(64),
  manifest_hash    VARCHAR(80),
  result           VARCHAR(16) NOT NULL,
  session_hash     VARCHAR(64),
  audit_id         VARCHAR(36) NOT NULL,
  rekor_uuid       VARCHAR(128),
  rekor_log_index  BIGINT,
  hardware_anchor  VARCHAR(16) NOT NULL,
  request_json     TEXT NOT NULL
);

-- The audit chain. event_json is the signed event exactly as served; the other columns are copies
-- for filtering. audit_head holds the chain's tip; appending locks it, so writers from any number
-- of dz-control replicas form one linear, gap-free chain.
CREATE TABLE audit_events (
  seq         BIGINT PRIMARY KEY,
  audit_id    VARCHAR(36) NOT NULL UNIQUE,
  ts          BIGINT NOT NULL,
  actor       VARCHAR(512),
  action      VARCHAR(32) NOT NULL,
  result      VARCHAR(16) NOT NULL,
  policy      VARCHAR(512),
  target      VARCHAR(512),
  event_hash  VARCHAR(80) NOT NULL,
  event_json  TEXT NOT NULL
);
CREATE INDEX audit_events_ts ON audit_events (ts);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);

CREATE TABLE audit_head (
  id          INT PRIMARY KEY,
  seq         BIGINT NOT NULL,
  event_hash  VARCHAR(80) NOT NULL
);
INSERT INTO audit_head (id, seq, event_hash)
  VALUES (1, 0, 'sha256:0000000000000000000000000000000000000000000000000000000000000000');

-- Issued credentials by jti, written in the same transaction as their ISSUED audit event.
CREATE TABLE credentials (
  jti             VARCHAR(64) PRIMARY KEY,
  audit_id        VARCHAR(36) NOT NULL,
  attestation_id  VARCHAR(36) NOT NULL,
  target          VARCHAR(512) NOT NULL,
  scope           VARCHAR(512) NOT NULL,
  issued_at       BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL
);

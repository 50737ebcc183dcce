package io.driftzero.control.credential;

import java.time.Instant;

/** What a credential asserts: who, for which target and scope, until when, and on what evidence. */
public record CredentialClaims(
    String subject,
    String audience,
    String scope,
    Instant issuedAt,
    Instant expiresAt,
    String jti,
    String policy,
    String manifestId,
    String manifestVersion,
    String manifestHash,
    String attestationId,
    String auditId,
    String rekorUuid,
    Long rekorLogIndex) {}

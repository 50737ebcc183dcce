package io.driftzero.control.audit;

import java.time.Instant;

/** Filters for {@code GET /v1/audit/events}; null means "any". */
public record AuditQuery(String actor, String result, String action, String policy, String target,
    Instant since, Instant until, Long beforeSeq, int limit) {}

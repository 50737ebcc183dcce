-- Audit queries filter by result, action, policy or target and page newest first by seq; without
-- these a filtered page scans the whole chain once it holds millions of events.
CREATE INDEX audit_events_result ON audit_events (result, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_policy ON audit_events (policy, seq);
CREATE INDEX audit_events_target ON audit_events (target, seq);

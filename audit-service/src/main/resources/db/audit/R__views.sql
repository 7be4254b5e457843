-- Views for operators (psql) and for the API. A repeatable migration: Flyway re-applies it whenever it changes.
DROP VIEW IF EXISTS failover_timeline;
DROP VIEW IF EXISTS role_moves;

-- One row per RoleMoved: why and where a role moved. Instants in the payload are ISO-8601 with 'Z', which
-- PostgreSQL parses whatever the session's time zone.
CREATE VIEW role_moves AS
SELECT e.event_id                                   AS move_event_id,
       e.role_id,
       e.epoch,
       e.payload ->> 'from'                         AS from_server,
       e.payload ->> 'to'                           AS to_server,
       e.payload ->> 'reason'                       AS reason,
       e.payload ->> 'cause'                        AS cause,
       (e.payload ->> 'detectedAt')::timestamptz    AS detected_at,
       (e.payload ->> 'decidedAt')::timestamptz     AS decided_at,
       e.occurred_at                                AS moved_at,
       e.recorded_at
FROM events e
WHERE e.type = 'RoleMoved';

-- One row per RoleMoved with what followed: when the failure was detected, when the move was decided, when
-- the role was RUNNING on its new host and when the gateway reconnected its clients, and the milliseconds
-- between them. A step that has not happened (yet) is NULL, and so is every duration that needs it. The
-- gateways' in-flight counts (connections re-pointed idle, drained from the old host of a planned move, re-pointed
-- with their unanswered requests resent, closed because they awaited an answer, and the longest drain) are NULL when
-- no gateway reported them (gateways older than the counts). A planned move drained first: drain_started_at is the
-- placement's RoleDraining for the role at the epoch the move left, drain_wait_ms how long the placement waited
-- for the gateways' ProxyDrained before committing, gateways_drained how many reported.
CREATE VIEW failover_timeline AS
SELECT m.move_event_id,
       m.role_id,
       m.epoch,
       m.from_server,
       m.to_server,
       m.reason,
       m.cause,
       m.moved_at,
       t.server_down_detected_at,
       drain.drain_started_at,
       drain.gateways_drained,
       round(extract(epoch FROM (m.decided_at - drain.drain_started_at)) * 1000)::bigint
           AS drain_wait_ms,
       m.decided_at,
       running.running_at,
       proxy.clients_reconnected_at,
       proxy.connections_moved,
       proxy.connections_idle,
       proxy.connections_replayed,
       proxy.connections_closed_awaiting,
       proxy.connections_drained,
       proxy.drain_ms,
       round(extract(epoch FROM (m.decided_at - t.server_down_detected_at)) * 1000)::bigint
           AS detect_to_decide_ms,
       round(extract(epoch FROM (running.running_at - m.decided_at)) * 1000)::bigint
           AS decide_to_running_ms,
       round(extract(epoch FROM (proxy.clients_reconnected_at - running.running_at)) * 1000)::bigint
           AS running_to_reconnected_ms,
       -- How long clients were cut off as Baton saw it: from detection (or, for a planned move, the start of its
       -- drain, or failing that the decision) to the reconnection.
       round(extract(epoch FROM (proxy.clients_reconnected_at
                                 - coalesce(t.server_down_detected_at, drain.drain_started_at, m.decided_at)))
             * 1000)::bigint
           AS total_ms
FROM role_moves m
-- The detection time is the move's own detectedAt; failing that, the ServerDown of the old host published
-- after the role had moved onto it (its previous move) and no later than this decision.
LEFT JOIN LATERAL (
    SELECT coalesce(m.detected_at, (
               SELECT d.occurred_at
               FROM events d
               WHERE m.from_server IS NOT NULL
                 AND d.type = 'ServerDown'
                 AND d.server_id = m.from_server
                 AND d.occurred_at <= m.decided_at
                 AND d.occurred_at > coalesce((
                         SELECT max(p.decided_at)
                         FROM role_moves p
                         WHERE p.role_id = m.role_id AND p.epoch < m.epoch), '-infinity'::timestamptz)
               ORDER BY d.occurred_at DESC, d.event_id DESC
               LIMIT 1)) AS server_down_detected_at
) t ON true
LEFT JOIN LATERAL (
    SELECT max(d.occurred_at) AS drain_started_at,
           (SELECT count(DISTINCT g.payload ->> 'gatewayId')
            FROM events g
            WHERE g.type = 'ProxyDrained' AND g.role_id = m.role_id AND g.epoch = m.epoch - 1) AS gateways_drained
    FROM events d
    WHERE d.type = 'RoleDraining'
      AND d.role_id = m.role_id
      AND d.epoch = m.epoch - 1
      AND d.occurred_at <= m.decided_at
    HAVING count(*) > 0
) drain ON true
LEFT JOIN LATERAL (
    SELECT min(r.occurred_at) AS running_at
    FROM events r
    WHERE r.type = 'RoleStateChanged'
      AND r.role_id = m.role_id
      AND r.epoch = m.epoch
      AND r.server_id = m.to_server
      AND r.payload ->> 'state' = 'RUNNING'
) running ON true
LEFT JOIN LATERAL (
    SELECT min(p.occurred_at) AS clients_reconnected_at,
           sum((p.payload ->> 'connectionsMoved')::bigint) AS connections_moved,
           sum((p.payload ->> 'connectionsIdle')::bigint) AS connections_idle,
           sum((p.payload ->> 'connectionsReplayed')::bigint) AS connections_replayed,
           sum((p.payload ->> 'connectionsClosedAwaiting')::bigint) AS connections_closed_awaiting,
           sum((p.payload ->> 'connectionsDrained')::bigint) AS connections_drained,
           max((p.payload ->> 'drainMillis')::bigint) AS drain_ms
    FROM events p
    WHERE p.type = 'ProxyReconnected'
      AND p.role_id = m.role_id
      AND p.epoch = m.epoch
) proxy ON true;

-- Every event the audit service consumed, stored once: event_id is the key, so a redelivered record is
-- ignored by INSERT ... ON CONFLICT (event_id) DO NOTHING.
CREATE TABLE events (
    event_id        uuid        PRIMARY KEY,
    topic           text        NOT NULL,          -- where it was read, e.g. baton.role-events
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    record_key      text,                          -- the Kafka record key (the entity's id)
    type            text        NOT NULL,          -- EventType wire name; DeadLetter for undecodable records
    role_id         text,                          -- the role the event is about
    server_id       text,                          -- the server it is about; for RoleMoved the new host
    epoch           bigint,                        -- the role's epoch, for role and proxy events
    occurred_at     timestamptz NOT NULL,          -- the event's occurredAt
    recorded_at     timestamptz NOT NULL DEFAULT now(),  -- when the batch holding it was committed here
    payload         jsonb       NOT NULL           -- the event as published, unknown fields included
);

-- Every list is ordered by (occurred_at, event_id); each filter has an index that yields rows in that order.
CREATE INDEX events_occurred_idx ON events (occurred_at, event_id);
CREATE INDEX events_type_idx ON events (type, occurred_at, event_id);
CREATE INDEX events_role_idx ON events (role_id, occurred_at, event_id) WHERE role_id IS NOT NULL;
CREATE INDEX events_server_idx ON events (server_id, occurred_at, event_id) WHERE server_id IS NOT NULL;
-- The failover timeline looks up the RUNNING report and the proxy reconnection of a role at an epoch.
CREATE INDEX events_role_epoch_idx ON events (role_id, epoch, type) WHERE role_id IS NOT NULL;

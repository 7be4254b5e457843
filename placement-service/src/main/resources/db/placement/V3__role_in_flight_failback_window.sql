-- A role's in-flight policy (what gateways do with its connections awaiting an answer when their upstream is lost)
-- and its failback window (the hours of the day, UTC, during which a failback may happen). Both optional: without
-- a policy each gateway uses its own configuration; without a window failback may happen at any hour.
ALTER TABLE roles
    ADD COLUMN in_flight_policy   text CHECK (in_flight_policy IN ('close', 'replay', 'repoint')),
    ADD COLUMN replay_limit_bytes integer CHECK (replay_limit_bytes BETWEEN 1 AND 16777216),
    ADD COLUMN failback_from_hour smallint CHECK (failback_from_hour BETWEEN 0 AND 23),
    ADD COLUMN failback_to_hour   smallint CHECK (failback_to_hour BETWEEN 0 AND 23),
    -- a replay limit belongs to a policy
    ADD CONSTRAINT roles_replay_limit_has_policy CHECK (replay_limit_bytes IS NULL OR in_flight_policy IS NOT NULL),
    -- a window has both ends, and they differ
    ADD CONSTRAINT roles_failback_window_complete CHECK (
        num_nulls(failback_from_hour, failback_to_hour) = 2
        OR (num_nulls(failback_from_hour, failback_to_hour) = 0 AND failback_from_hour <> failback_to_hour));

-- Role configuration of the placement-service (PostgresRoleStore). Flyway runs this in the schema "placement",
-- with its history table there too, so the service can share a database with others (the audit service keeps
-- its tables in "public").
--
-- Ids are compared and ordered byte-wise (COLLATE "C"): ids are ASCII, and the store lists roles and servers
-- in the same order as Java's String.compareTo, whatever the database's locale.

-- A server registers with its first heartbeat; kind and host follow its latest registration. The maintenance
-- flag is the operator's and survives re-registration.
CREATE TABLE servers (
    server_id         text COLLATE "C" PRIMARY KEY,
    kind              text        NOT NULL CHECK (kind IN ('MAIN', 'EXPANSION')),
    host              text        NOT NULL,
    first_seen_at     timestamptz NOT NULL,
    maintenance       boolean     NOT NULL DEFAULT false,
    maintenance_by    text,
    maintenance_since timestamptz,
    -- who and since when describe the current maintenance only
    CONSTRAINT servers_maintenance_who_when CHECK (
        (maintenance AND maintenance_by IS NOT NULL AND maintenance_since IS NOT NULL)
        OR (NOT maintenance AND maintenance_by IS NULL AND maintenance_since IS NULL))
);

-- One row per role; its server list is in role_servers. version increases by one with every change and is the
-- optimistic lock of updates (UPDATE ... WHERE version = expected).
CREATE TABLE roles (
    role_id                text COLLATE "C" PRIMARY KEY,
    version                bigint      NOT NULL CHECK (version >= 1),
    force_highest_priority boolean     NOT NULL,
    failback_delay_ms      bigint      NOT NULL CHECK (failback_delay_ms >= 0),
    -- the remote database: all three or none
    database_server        text,
    database_host          text,
    database_port          integer CHECK (database_port BETWEEN 1 AND 65535),
    -- PluginSpec as JSON ({"kind":..,"command":[..],"environment":{..},"port":..}); null is the sample plugin
    plugin                 jsonb CHECK (plugin IS NULL OR jsonb_typeof(plugin) = 'object'),
    updated_by             text        NOT NULL,
    updated_at             timestamptz NOT NULL,
    CONSTRAINT roles_database_complete CHECK (num_nulls(database_server, database_host, database_port) IN (0, 3))
);

-- A role's servers in priority order: position 0 is the highest priority. No foreign key to servers: the store
-- keeps whatever list it is given (the admin API is the one that requires registered servers).
CREATE TABLE role_servers (
    role_id   text COLLATE "C" NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
    position  integer          NOT NULL CHECK (position >= 0),
    server_id text COLLATE "C" NOT NULL,
    CONSTRAINT role_servers_position_unique PRIMARY KEY (role_id, position),
    CONSTRAINT role_servers_server_unique UNIQUE (role_id, server_id)
);

CREATE TABLE roles (
    role_id     TEXT PRIMARY KEY,
    servers     TEXT[] NOT NULL,
    config      JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

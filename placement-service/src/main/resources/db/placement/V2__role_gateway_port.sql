-- A role's gateway port (issue 13): every gateway listens on it for the role's clients. Optional; a port belongs
-- to one role at most (NULLs are distinct, so any number of roles may have none). PostgresRoleStore turns a
-- violation of the unique index into a conflict naming the role that has the port.
ALTER TABLE roles ADD COLUMN gateway_port integer CHECK (gateway_port BETWEEN 1 AND 65535);
CREATE UNIQUE INDEX roles_gateway_port_unique ON roles (gateway_port);

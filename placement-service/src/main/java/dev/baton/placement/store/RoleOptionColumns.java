package dev.baton.placement.store;

import dev.baton.events.FailbackWindow;
import dev.baton.events.InFlightConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/**
 * The optional columns of {@code placement.roles} added with migration V3: the in-flight policy and the failback
 * window. Written after the role's row, in the same transaction, like the gateway port.
 */
final class RoleOptionColumns {
    private RoleOptionColumns() {
    }

    /** Stores the role's in-flight policy and failback window (null clears them). */
    static void store(Connection connection, RoleDefinition role) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE placement.roles
                   SET in_flight_policy = ?, replay_limit_bytes = ?, failback_from_hour = ?, failback_to_hour = ?
                 WHERE role_id = ?
                """)) {
            InFlightConfig inFlight = role.inFlight();
            update.setString(1, inFlight == null ? null : inFlight.policy());
            setInteger(update, 2, inFlight == null ? null : inFlight.replayLimitBytes());
            FailbackWindow window = role.failbackWindow();
            setInteger(update, 3, window == null ? null : window.fromHour());
            setInteger(update, 4, window == null ? null : window.toHour());
            update.setString(5, role.roleId());
            update.executeUpdate();
        }
    }

    static InFlightConfig inFlight(ResultSet row) throws SQLException {
        String policy = row.getString("in_flight_policy");
        return policy == null ? null : new InFlightConfig(policy, row.getObject("replay_limit_bytes", Integer.class));
    }

    static FailbackWindow failbackWindow(ResultSet row) throws SQLException {
        Integer from = row.getObject("failback_from_hour", Integer.class);
        Integer to = row.getObject("failback_to_hour", Integer.class);
        return from == null || to == null ? null : new FailbackWindow(from, to);
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}

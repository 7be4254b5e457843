package dev.baton.placement.policy;

import dev.baton.placement.detector.ServerView;

/** Why a server in a role's list cannot run the role now; {@link #of} returns null when it can. */
enum Ineligibility {
    UNKNOWN("has sent no heartbeat"),
    DOWN("is DOWN"),
    MAINTENANCE("is in maintenance"),
    DATABASE_UNREACHABLE("cannot reach the role's database");

    private final String text;

    Ineligibility(String text) {
        this.text = text;
    }

    /** Null when {@code server} (null: never seen) is eligible for {@code role}. */
    static Ineligibility of(RoleConfig role, ServerView server) {
        if (server == null) {
            return UNKNOWN;
        }
        switch (server.state()) {
            case DOWN:
                return DOWN;
            case MAINTENANCE:
                return MAINTENANCE;
            default:
                return server.reachesDatabaseOf(role.roleId()) ? null : DATABASE_UNREACHABLE;
        }
    }

    String describe(String serverId) {
        return serverId + " " + text;
    }
}

package dev.baton.gateway;

import dev.baton.events.Ids;
import java.util.Arrays;

/**
 * One role the gateway serves: the port its clients connect to and the bytes sent to every upstream after the
 * first (empty when none).
 *
 * @param port the listen port; 0 picks a free one (tests)
 * @param preamble sent to each new upstream of a client before the client's own bytes when the gateway
 *     re-points it, e.g. a login or session-resume line; never logged
 */
public record RoleRoute(String roleId, int port, byte[] preamble) {
    public RoleRoute {
        Ids.requireValid("roleId", roleId);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of " + roleId + " must be between 0 and 65535, was " + port);
        }
        preamble = preamble == null ? new byte[0] : preamble.clone();
    }

    @Override
    public byte[] preamble() {
        return preamble.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoleRoute that && roleId.equals(that.roleId) && port == that.port
                && Arrays.equals(preamble, that.preamble);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * roleId.hashCode() + port) + Arrays.hashCode(preamble);
    }

    @Override
    public String toString() {
        return roleId + ":" + port + (preamble.length == 0 ? "" : " (preamble: " + preamble.length + " bytes)");
    }
}

package dev.baton.gateway;

import dev.baton.events.Ids;
import dev.baton.gateway.connection.InFlightPolicy;
import java.util.Arrays;
import java.util.Objects;

/**
 * One role the gateway serves: the port its clients connect to and the bytes sent to every upstream after the
 * first (empty when none).
 *
 * @param port the listen port; 0 picks a free one (tests)
 * @param preamble sent to each new upstream of a client before the client's own bytes when the gateway
 *     re-points it, e.g. a login or session-resume line; never logged
 * @param inFlight what becomes of a connection awaiting an answer when its upstream is lost
 */
public record RoleRoute(String roleId, int port, byte[] preamble, InFlightPolicy inFlight) {
    public RoleRoute {
        Ids.requireValid("roleId", roleId);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of " + roleId + " must be between 0 and 65535, was " + port);
        }
        preamble = preamble == null ? new byte[0] : preamble.clone();
        inFlight = Objects.requireNonNull(inFlight, "inFlight");
    }

    @Override
    public byte[] preamble() {
        return preamble.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoleRoute that && roleId.equals(that.roleId) && port == that.port
                && Arrays.equals(preamble, that.preamble) && inFlight.equals(that.inFlight);
    }

    @Override
    public int hashCode() {
        return Objects.hash(roleId, port, Arrays.hashCode(preamble), inFlight);
    }

    @Override
    public String toString() {
        return roleId + ":" + port + " (in flight: " + inFlight
                + (preamble.length == 0 ? "" : ", preamble: " + preamble.length + " bytes") + ")";
    }
}

package dev.baton.placement.detector;

import dev.baton.events.ServerKind;
import java.util.Objects;

/** Who a server is: its id, the host it advertises and its kind, as its heartbeats declare them. */
public record ServerIdentity(String serverId, String host, ServerKind kind) {
    public ServerIdentity {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(kind, "kind");
    }
}

package dev.baton.gateway.net;

import dev.baton.gateway.GatewayMetrics.RoleMeters;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a client socket is read: not while its upstream's write queue is full, nor while the bytes held for it
 * are at their bound. Netty's {@code autoRead} (see {@link ClientConnection}). Event loop only.
 */
final class ClientReading {
    private static final Logger LOG = LoggerFactory.getLogger(ClientReading.class);

    private final NetSocket client;
    private final RoleMeters meters;
    private final String name;
    private boolean upstreamFull;
    private boolean holdFull;
    private boolean paused;
    private boolean finished;

    ClientReading(NetSocket client, RoleMeters meters, String name) {
        this.client = client;
        this.meters = meters;
        this.name = name;
    }

    void upstreamFull(boolean full) {
        upstreamFull = full;
        refresh();
    }

    void holdFull(boolean full) {
        holdFull = full;
        refresh();
    }

    /** The connection is gone: its paused state no longer counts. */
    void finish() {
        finished = true;
        if (paused) {
            paused = false;
            meters.clientPaused(false);
        }
    }

    private void refresh() {
        boolean pause = upstreamFull || holdFull;
        if (pause != paused && !finished) {
            LOG.debug("{}: {} reading the client (upstream queue full: {}, hold full: {})", name,
                    pause ? "stopped" : "resumed", upstreamFull, holdFull);
            paused = pause;
            meters.clientPaused(pause);
            Sockets.reading(client, !pause);
        }
    }
}

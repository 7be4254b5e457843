package dev.baton.gateway.net;

import dev.baton.gateway.GatewayMetrics.RoleMeters;
import dev.baton.gateway.connection.Action;
import dev.baton.gateway.connection.ClientConnectionState;
import dev.baton.gateway.connection.ConnectionMachine;
import dev.baton.gateway.connection.SwitchCause;
import dev.baton.gateway.routing.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one client connection: the client's, and the upstream's while forwarding. Every decision is the
 * {@link ConnectionMachine}'s; this class only carries it out, on the event loop that owns both sockets.
 *
 * <p>Memory is bounded in bytes, both ways. Each socket's unflushed writes are counted (a write's future completes
 * once the bytes are in the kernel); past {@code write.queue.bytes} the other side stops reading until they fall to
 * half. While there is no upstream the client's bytes are held, in order; past {@code switch.buffer.bytes} the client
 * stops reading. "Stops reading" is Netty's {@code autoRead} rather than {@code NetSocket.pause()}: Vert.x 5 keeps
 * reading after a pause until its own queues hold 16 and then 8 more reads (up to 64 KiB each), and counts its write
 * queue in messages; Netty's read loop checks {@code autoRead} after every read, so at most one read lands past a
 * bound.
 *
 * <p>Bytes are forwarded as Netty read them: each socket's raw messages ({@link NetSocketInternal#messageHandler})
 * are written as they are to the other socket ({@link NetSocketInternal#writeMessage}), which releases them once
 * written. {@code NetSocket.handler} would copy every read into a heap buffer, and the native transport would copy
 * it back into direct memory to write it: two copies of every byte and twice the CPU per byte on the bulk path.
 * Only bytes held while there is no upstream are copied (to the heap), since they outlive the read.
 */
final class ClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final RoleProxy role;
    private final NetSocket client;
    private final ConnectionMachine machine;
    private final RoleMeters meters;
    private final String name;

    private final Outbound toClient;
    private NetSocket upstream;
    private Outbound toUpstream;
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();
    private long heldBytes;
    private long heldThisSwitch;
    private boolean pausedForUpstream;
    private boolean pausedForHold;
    private boolean clientPaused;
    private boolean switching;
    private boolean finished;

    ClientConnection(RoleProxy role, NetSocket client, ConnectionMachine machine, RoleMeters meters) {
        this.role = role;
        this.client = client;
        this.machine = machine;
        this.meters = meters;
        this.name = role.roleId() + "#" + id + " (" + client.remoteAddress() + ")";
        this.toClient = new Outbound(client);
    }

    /**
     * Bytes written to one socket and not yet flushed to the kernel. {@link #write} says whether the queue is full
     * now; {@link #drained} runs when a full queue has fallen to half.
     */
    private final class Outbound {
        private final NetSocket socket;
        private long pending;
        private boolean full;

        Outbound(NetSocket socket) {
            this.socket = socket;
        }

        boolean write(Buffer data) {
            return write(data.length(), socket.write(data));
        }

        /** Writes {@code data} as it is; the socket releases it once written (or failed). */
        boolean write(ByteBuf data) {
            return write(data.readableBytes(), ((NetSocketInternal) socket).writeMessage(data));
        }

        private boolean write(int length, Future<Void> written) {
            pending += length;
            meters.buffered(length);
            written.onComplete(ar -> {
                pending -= length;
                meters.buffered(-length);
                if (full && pending <= role.writeQueueBytes() / 2) {
                    full = false;
                    drained(this);
                }
            });
            if (pending >= role.writeQueueBytes()) {
                full = true;
            }
            return full;
        }
    }

    long id() {
        return id;
    }

    ClientConnectionState state() {
        return machine.state();
    }

    /** Wires the client socket and asks the machine for the first upstream. */
    void start(Route route) {
        meters.connectionOpened();
        ((NetSocketInternal) client).messageHandler(message -> {
            if (message instanceof ByteBuf data) {
                fromClient(data);
            } else {
                ReferenceCountUtil.release(message);
            }
        });
        client.exceptionHandler(e -> LOG.debug("{}: client socket error: {}", name, e.toString()));
        client.closeHandler(v -> {
            apply(machine.onClientClosed(role.now()), null);
            finish();
        });
        LOG.debug("{}: accepted; route {}", name, route.describe());
        apply(machine.start(route.epoch(), route.endpoint(), role.now()), null);
    }

    /** The role's route changed. */
    void onRoute(Route route) {
        apply(machine.onRoute(route.epoch(), route.endpoint(), role.now()), null);
    }

    /** Closes the client, e.g. when the gateway stops. */
    void shutdown() {
        closeGracefully(client);
    }

    /** Takes ownership of {@code message}: forwards it (the upstream socket releases it) or copies and releases it. */
    private void fromClient(ByteBuf message) {
        if (upstream != null) {
            meters.forwardedToUpstream(message.readableBytes());
            if (toUpstream.write(message)) {
                pausedForUpstream = true;
                refreshClientReading();
            }
            return;
        }
        Buffer data;
        try {
            data = Buffer.buffer(ByteBufUtil.getBytes(message));
        } finally {
            message.release();
        }
        if (!(machine.state() instanceof ClientConnectionState.Closed)) {
            held.addLast(data);
            heldBytes += data.length();
            heldThisSwitch += data.length();
            meters.buffered(data.length());
            if (heldBytes >= role.holdLimit()) {
                pausedForHold = true;
                refreshClientReading();
            }
        }
    }

    /** Takes ownership of {@code message}: forwards it to the client (whose socket releases it) or releases it. */
    private void fromUpstream(NetSocket source, Object message) {
        if (source != upstream || !(message instanceof ByteBuf data)) {
            // A dropped upstream's last bytes (the client already follows another host), or not bytes at all.
            ReferenceCountUtil.release(message);
            return;
        }
        meters.forwardedToClient(data.readableBytes());
        if (toClient.write(data)) {
            reading(source, false);
        }
    }

    private void drained(Outbound queue) {
        if (queue == toClient) {
            if (upstream != null) {
                reading(upstream, true);
            }
        } else if (queue == toUpstream) {
            pausedForUpstream = false;
            refreshClientReading();
        }
    }

    private void refreshClientReading() {
        boolean pause = pausedForUpstream || pausedForHold;
        if (pause != clientPaused && !finished) {
            LOG.debug("{}: {} reading the client (upstream queue full: {}, hold full: {})", name,
                    pause ? "stopped" : "resumed", pausedForUpstream, pausedForHold);
            clientPaused = pause;
            meters.clientPaused(pause);
            reading(client, !pause);
        }
    }

    /** Starts or stops reading from {@code socket}; see the class comment for why not {@code pause()}. */
    private static void reading(NetSocket socket, boolean on) {
        ((NetSocketInternal) socket).channelHandlerContext().channel().config().setAutoRead(on);
    }

    private void apply(List<Action> actions, NetSocket arrived) {
        for (Action action : actions) {
            if (action instanceof Action.Connect connect) {
                connect(connect);
            } else if (action instanceof Action.ScheduleRetry retry) {
                role.vertx().setTimer(Math.max(1, retry.delayMillis()),
                        t -> apply(machine.onRetryDue(retry.token(), role.now()), null));
            } else if (action instanceof Action.ArmDeadline deadline) {
                // Fired for this deadline: pass it as the time, so a timer that rounds early still counts as due.
                role.vertx().setTimer(Math.max(1, deadline.atMillis() - role.now()),
                        t -> apply(machine.onDeadline(Math.max(role.now(), deadline.atMillis())), null));
            } else if (action instanceof Action.DropUpstream drop) {
                dropUpstream(drop.cause());
            } else if (action instanceof Action.StartForwarding start) {
                startForwarding(start, arrived);
            } else if (action instanceof Action.DiscardConnection) {
                if (arrived != null) {
                    arrived.close();
                }
            } else if (action instanceof Action.CloseClient close) {
                closeClient(close);
            } else if (action instanceof Action.CloseUpstream) {
                clientGone();
            }
        }
    }

    private void connect(Action.Connect connect) {
        Future<NetSocket> attempt = role.netClient().connect(connect.target().port(), connect.target().host());
        attempt.onComplete(ar -> {
            if (ar.succeeded()) {
                apply(machine.onConnected(connect.token(), role.now()), ar.result());
            } else {
                String error = ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName()
                        : ar.cause().getMessage();
                LOG.debug("{}: connect to {} failed: {}", name, connect.target(), error);
                apply(machine.onConnectFailed(connect.token(), error, role.now()), null);
            }
        });
    }

    private void dropUpstream(SwitchCause cause) {
        NetSocket old = upstream;
        upstream = null;
        toUpstream = null;
        pausedForUpstream = false;
        if (old != null) {
            closeGracefully(old);
        }
        if (!switching) {
            switching = true;
            heldThisSwitch = heldBytes;
            meters.switchStarted();
            long epoch = pendingEpoch();
            role.ledger().joined(id, epoch, cause);
            LOG.info("{}: switching ({}): left {}, holding client bytes", name,
                    cause == SwitchCause.MOVE ? "role moved to epoch " + epoch : "upstream connection lost",
                    old == null ? "its upstream" : old.remoteAddress());
        }
        refreshClientReading();
    }

    private long pendingEpoch() {
        ClientConnectionState state = machine.state();
        if (state instanceof ClientConnectionState.Switching s) {
            return s.pending().epoch();
        }
        if (state instanceof ClientConnectionState.Connecting c) {
            return c.pending().epoch();
        }
        return -1;
    }

    private void startForwarding(Action.StartForwarding start, NetSocket socket) {
        upstream = socket;
        toUpstream = new Outbound(socket);
        ((NetSocketInternal) socket).messageHandler(message -> fromUpstream(socket, message));
        socket.exceptionHandler(e -> LOG.debug("{}: upstream socket error: {}", name, e.toString()));
        socket.closeHandler(v -> {
            if (socket == upstream) {
                Route route = role.route();
                LOG.info("{}: upstream {} closed the connection", name, start.upstream());
                apply(machine.onUpstreamClosed(route.epoch(), route.endpoint(), role.now()), null);
            }
        });
        if (toClient.full) {
            reading(socket, false);
        }
        byte[] preamble = role.preamble();
        if (start.reconnect() && preamble.length > 0) {
            toUpstream.write(Buffer.buffer(preamble));
        }
        long flushed = heldBytes;
        while (!held.isEmpty()) {
            Buffer data = held.pollFirst();
            meters.buffered(-data.length());
            meters.forwardedToUpstream(data.length());
            toUpstream.write(data);
        }
        heldBytes = 0;
        pausedForHold = false;
        pausedForUpstream = toUpstream.full;
        refreshClientReading();
        if (switching) {
            switching = false;
            meters.switchEnded();
            meters.switched(start.cause(), start.switchMillis());
            LOG.info("{}: forwarding to {} at epoch {} after {} ms without upstream ({} bytes held, {} sent now)",
                    name, start.upstream(), start.epoch(), start.switchMillis(), heldThisSwitch, flushed);
            role.report(role.ledger().reconnected(id, role.wallMillis(), heldThisSwitch));
        } else {
            LOG.debug("{}: forwarding to {} at epoch {}", name, start.upstream(), start.epoch());
        }
    }

    private void closeClient(Action.CloseClient close) {
        discardHeld();
        closeGracefully(client);
        if (close.cause() != null) {
            LOG.warn("{}: closed after losing its upstream ({}): {}", name, close.cause(), close.reason());
            meters.reconnectFailed();
            endSwitch();
            role.report(role.ledger().closed(id, close.reason()));
        } else {
            LOG.warn("{}: closed, no upstream for a new client: {}", name, close.reason());
            meters.connectFailed();
        }
    }

    /** The client went away on its own: the upstream is closed after what was written to it. */
    private void clientGone() {
        NetSocket old = upstream;
        upstream = null;
        toUpstream = null;
        if (old != null) {
            closeGracefully(old);
        }
        if (switching) {
            endSwitch();
            LOG.info("{}: client left while switching", name);
            role.report(role.ledger().left(id));
        } else {
            LOG.debug("{}: client closed the connection", name);
        }
    }

    /** Once the client socket is closed, whoever closed it: forget the connection. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        NetSocket old = upstream;
        upstream = null;
        toUpstream = null;
        if (old != null) {
            closeGracefully(old);
        }
        discardHeld();
        if (clientPaused) {
            clientPaused = false;
            meters.clientPaused(false);
        }
        meters.connectionClosed();
        role.removed(this);
    }

    private void endSwitch() {
        if (switching) {
            switching = false;
            meters.switchEnded();
        }
    }

    private void discardHeld() {
        meters.buffered(-heldBytes);
        held.clear();
        heldBytes = 0;
    }

    /**
     * Closes {@code socket} after what was written to it is flushed, so bytes already sent to the old host (or to
     * the client) reach it; if the peer stopped reading, Vert.x would wait for that flush forever, so the socket is
     * forced shut after the connect timeout instead of lingering.
     */
    private void closeGracefully(NetSocket socket) {
        socket.close();
        role.vertx().setTimer(role.closeGraceMillis(), t -> {
            if (socket instanceof NetSocketInternal internal && internal.channelHandlerContext().channel().isOpen()) {
                LOG.info("{}: forcing {} shut: it did not take the bytes still queued for it", name,
                        socket.remoteAddress());
                internal.channelHandlerContext().channel().close();
            }
        });
    }
}

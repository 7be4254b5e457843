package dev.baton.gateway.net;

import dev.baton.gateway.GatewayMetrics.RoleMeters;
import dev.baton.gateway.connection.Action;
import dev.baton.gateway.connection.ClientConnectionState;
import dev.baton.gateway.connection.ConnectionMachine;
import dev.baton.gateway.connection.InFlight;
import dev.baton.gateway.connection.SwitchCause;
import dev.baton.gateway.connection.UnansweredBytes;
import dev.baton.gateway.routing.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
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
 * Only bytes held while there is no upstream are copied (to the heap), since they outlive the read, and, with the
 * in-flight policy {@code replay}, the unanswered bytes (up to the replay limit), to resend them.
 *
 * <p>The client may half-close: its FIN is forwarded to the upstream (after the bytes before it), and the upstream's
 * answer still reaches the client; the upstream's own close then ends the connection.
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
    private final HeldBytes held;
    private final UnansweredBytes unanswered;
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
        this.toClient = new Outbound(client, role.writeQueueBytes(), meters, this::clientDrained);
        this.held = new HeldBytes(meters);
        this.unanswered = new UnansweredBytes(role.inFlightPolicy());
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
        Sockets.allowHalfClosure(client);
        ((NetSocketInternal) client).messageHandler(message -> {
            if (message instanceof ByteBuf data) {
                fromClient(data);
            } else {
                ReferenceCountUtil.release(message);
            }
        });
        ((NetSocketInternal) client).eventHandler(event -> {
            if (event instanceof ChannelInputShutdownEvent) {
                LOG.debug("{}: the client half-closed", name);
                apply(machine.onClientEnded(role.now()), null);
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
        apply(machine.onRoute(route.epoch(), route.endpoint(), role.now(), inFlight()), null);
    }

    /** Closes the client, e.g. when the gateway stops. */
    void shutdown() {
        closeGracefully(client);
    }

    private InFlight inFlight() {
        return upstream == null ? InFlight.IDLE : unanswered.inFlight();
    }

    /** Takes ownership of {@code message}: forwards it (the upstream socket releases it) or copies and releases it. */
    private void fromClient(ByteBuf message) {
        if (upstream != null) {
            int length = message.readableBytes();
            meters.forwardedToUpstream(length);
            if (unanswered.wantsCopy(length)) {
                unanswered.sent(ByteBufUtil.getBytes(message));
            } else {
                unanswered.sent(length);
            }
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
            held.add(data);
            if (held.bytes() >= role.holdLimit()) {
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
        if (data.isReadable()) {
            unanswered.answered();
        }
        meters.forwardedToClient(data.readableBytes());
        if (toClient.write(data)) {
            Sockets.reading(source, false);
        }
    }

    private void clientDrained() {
        if (upstream != null) {
            Sockets.reading(upstream, true);
        }
    }

    private void upstreamDrained() {
        pausedForUpstream = false;
        refreshClientReading();
    }

    private void refreshClientReading() {
        boolean pause = pausedForUpstream || pausedForHold;
        if (pause != clientPaused && !finished) {
            LOG.debug("{}: {} reading the client (upstream queue full: {}, hold full: {})", name,
                    pause ? "stopped" : "resumed", pausedForUpstream, pausedForHold);
            clientPaused = pause;
            meters.clientPaused(pause);
            Sockets.reading(client, !pause);
        }
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
                dropUpstream(drop);
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
            } else if (action instanceof Action.AbandonClient abandon) {
                abandonClient(abandon);
            } else if (action instanceof Action.EndUpstream) {
                if (toUpstream != null) {
                    LOG.debug("{}: half-closing the upstream after the client", name);
                    toUpstream.end();
                }
            } else if (action instanceof Action.FinishClient) {
                LOG.debug("{}: the upstream closed after answering the half-closed client", name);
                releaseUpstream();
                closeGracefully(client);
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

    private void dropUpstream(Action.DropUpstream drop) {
        NetSocket old = releaseUpstream();
        if (!switching) {
            switching = true;
            held.startSwitch();
            meters.switchStarted();
            long epoch = machine.pendingEpoch();
            role.ledger().joined(id, epoch, drop.cause());
            LOG.info("{}: switching ({}): left {}, holding client bytes{}", name,
                    drop.cause() == SwitchCause.MOVE ? "role moved to epoch " + epoch : "upstream connection lost",
                    old == null ? "its upstream" : old.remoteAddress(),
                    drop.replay() ? "; " + unanswered.inFlight().unansweredBytes() + " unanswered bytes to resend" : "");
        }
        if (drop.replay()) {
            held.resendFirst(unanswered.take());
        } else {
            unanswered.answered();
        }
        refreshClientReading();
    }

    /** Stops forwarding to the upstream, if any, and closes it after what was written to it; returns it. */
    private NetSocket releaseUpstream() {
        NetSocket old = upstream;
        upstream = null;
        toUpstream = null;
        pausedForUpstream = false;
        if (old != null) {
            closeGracefully(old);
        }
        return old;
    }

    private void startForwarding(Action.StartForwarding start, NetSocket socket) {
        upstream = socket;
        toUpstream = new Outbound(socket, role.writeQueueBytes(), meters, this::upstreamDrained);
        ((NetSocketInternal) socket).messageHandler(message -> fromUpstream(socket, message));
        socket.exceptionHandler(e -> LOG.debug("{}: upstream socket error: {}", name, e.toString()));
        socket.closeHandler(v -> {
            if (socket == upstream) {
                Route route = role.route();
                LOG.info("{}: upstream {} closed the connection", name, start.upstream());
                apply(machine.onUpstreamClosed(route.epoch(), route.endpoint(), role.now(), unanswered.inFlight()),
                        null);
            }
        });
        if (toClient.full()) {
            Sockets.reading(socket, false);
        }
        byte[] preamble = role.preamble();
        if (start.reconnect() && preamble.length > 0) {
            // Not counted as unanswered: every new upstream gets it anyway.
            toUpstream.write(Buffer.buffer(preamble));
        }
        long flushed = held.bytes();
        unanswered.answered();
        for (Buffer data = held.poll(); data != null; data = held.poll()) {
            meters.forwardedToUpstream(data.length());
            if (unanswered.wantsCopy(data.length())) {
                unanswered.sent(data.getBytes());
            } else {
                unanswered.sent(data.length());
            }
            toUpstream.write(data);
        }
        if (start.endUpstream()) {
            toUpstream.end();
        }
        pausedForHold = false;
        pausedForUpstream = toUpstream.full();
        refreshClientReading();
        if (switching) {
            switching = false;
            meters.switchEnded();
            meters.switched(start.cause(), start.switchMillis());
            meters.repointed(start.unansweredBytes(), start.replayed());
            LOG.info("{}: forwarding to {} at epoch {} after {} ms without upstream ({} bytes held, {} sent now{})",
                    name, start.upstream(), start.epoch(), start.switchMillis(), held.fromClient(), flushed,
                    start.unansweredBytes() == 0 ? "" : start.replayed()
                            ? ", of which " + start.unansweredBytes() + " resent unanswered"
                            : "; " + start.unansweredBytes() + " unanswered bytes lost with the old host");
            role.report(role.ledger().reconnected(id, role.wallMillis(), held.fromClient(), start.unansweredBytes(),
                    start.replayed()));
        } else {
            LOG.debug("{}: forwarding to {} at epoch {}", name, start.upstream(), start.epoch());
        }
    }

    private void closeClient(Action.CloseClient close) {
        held.discard();
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

    /** The client awaited an answer its lost upstream will never send: closed, so its own retry can run. */
    private void abandonClient(Action.AbandonClient abandon) {
        releaseUpstream();
        unanswered.answered();
        held.discard();
        closeGracefully(client);
        LOG.info("{}: closed: {}", name, abandon.reason());
        meters.closedAwaiting();
        role.report(role.ledger().abandoned(id, abandon.epoch(), abandon.cause(), role.wallMillis()));
    }

    /** The client went away on its own: the upstream is closed after what was written to it. */
    private void clientGone() {
        releaseUpstream();
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
        releaseUpstream();
        held.discard();
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

    private void closeGracefully(NetSocket socket) {
        Sockets.closeGracefully(role.vertx(), socket, role.closeGraceMillis(), name);
    }
}

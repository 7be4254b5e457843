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
 * <p>Memory is bounded in bytes, both ways ({@link Outbound}, {@link HeldBytes}, {@link ClientReading}; "stops
 * reading" is Netty's {@code autoRead}, since Vert.x 5 keeps reading after a {@code pause()}). Bytes are forwarded
 * as Netty read them ({@link NetSocketInternal#messageHandler} to {@link NetSocketInternal#writeMessage}), without a
 * copy; only bytes held while there is no upstream (or while draining) are copied, and, with the in-flight policy
 * {@code replay}, the unanswered bytes up to the replay limit. The module README says why and what was measured.
 *
 * <p>The client may half-close: its FIN is forwarded to the upstream after the bytes before it, and the upstream's
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
    private final ClientReading reading;
    private boolean holding;
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
        this.reading = new ClientReading(client, meters, name);
    }

    long id() {
        return id;
    }

    ClientConnectionState state() {
        return machine.state();
    }

    /**
     * Wires the client socket and asks the machine for the first upstream: the route's, or, while the role drains
     * from its host at {@code drainingEpoch} (-1: it does not), the one the role moves to next.
     */
    void start(Route route, long drainingEpoch) {
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
                apply(machine.onClientEnded(role.now(), held.bytes() > 0), null);
            }
        });
        client.exceptionHandler(e -> LOG.debug("{}: client socket error: {}", name, e.toString()));
        client.closeHandler(v -> {
            apply(machine.onClientClosed(role.now()), null);
            finish();
        });
        LOG.debug("{}: accepted; route {}", name, route.describe());
        if (drainingEpoch >= 0 && route.epoch() <= drainingEpoch) {
            apply(machine.start(drainingEpoch + 1, null, role.now()), null);
        } else {
            apply(machine.start(route.epoch(), route.endpoint(), role.now()), null);
        }
    }

    /**
     * The role drains from its host at {@code epoch}: no more client bytes go there. Returns whether this connection
     * awaited an answer and drains.
     */
    boolean onDrain(long epoch) {
        apply(machine.onDrainRequest(epoch, role.now(), inFlight()), null);
        return machine.state() instanceof ClientConnectionState.Draining;
    }

    /** The role's route changed. */
    void onRoute(Route route) {
        apply(machine.onRoute(route.epoch(), route.endpoint(), role.now(), inFlight(), route.plannedMove()), null);
    }

    /** Closes the client, e.g. when the gateway stops. */
    void shutdown() {
        closeGracefully(client);
    }

    private InFlight inFlight() {
        return upstream == null ? InFlight.IDLE : unanswered.inFlight(role.now());
    }

    /** Takes ownership of {@code message}: forwards it (the upstream socket releases it) or copies and releases it. */
    private void fromClient(ByteBuf message) {
        if (upstream != null && !holding) {
            int length = message.readableBytes();
            meters.forwardedToUpstream(length);
            if (unanswered.wantsCopy(length)) {
                unanswered.sent(ByteBufUtil.getBytes(message), role.now());
            } else {
                unanswered.sent(length, role.now());
            }
            if (toUpstream.write(message)) {
                reading.upstreamFull(true);
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
                reading.holdFull(true);
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
            unanswered.answered(role.now());
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
        reading.upstreamFull(false);
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
            } else if (action instanceof Action.StartDrain drain) {
                startDrain(drain);
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
        if (!actions.isEmpty()) {
            role.checkDrain();
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
        if (beginSwitch(drop.cause())) {
            LOG.info("{}: switching ({}): left {}, holding client bytes{}", name, drop.cause() == SwitchCause.MOVE
                    ? "role moved to epoch " + machine.pendingEpoch() : "upstream connection lost",
                    old == null ? "its upstream" : old.remoteAddress(),
                    drop.replay()
                            ? "; " + unanswered.inFlight(role.now()).unansweredBytes() + " unanswered bytes to resend"
                            : "");
        }
        if (drop.replay()) {
            held.resendFirst(unanswered.take());
        } else {
            unanswered.reset();
        }
    }

    /**
     * A planned move: the client's bytes are held from now on, the old upstream gets a FIN after what it was sent
     * and its answers still reach the client, until it closes or the drain deadline.
     */
    private void startDrain(Action.StartDrain drain) {
        beginSwitch(SwitchCause.MOVE);
        holding = true;
        toUpstream.end();
        LOG.info("{}: draining {} (the role leaves it for epoch {}): {} bytes await an answer; holding client bytes",
                name, upstream.remoteAddress(), drain.epoch(), unanswered.inFlight(role.now()).unansweredBytes());
        role.vertx().setTimer(Math.max(1, drain.deadlineMillis() - role.now()), t -> {
            List<Action> actions = machine.onDrainDeadline(Math.max(role.now(), drain.deadlineMillis()), inFlight());
            if (!actions.isEmpty()) {
                role.drainTimedOut();
            }
            apply(actions, null);
        });
    }

    /** Counts the connection as switching for its move, once; whether it was not already. */
    private boolean beginSwitch(SwitchCause cause) {
        if (switching) {
            return false;
        }
        switching = true;
        held.startSwitch();
        meters.switchStarted();
        role.ledger().joined(id, machine.pendingEpoch(), cause);
        return true;
    }

    /** Stops forwarding to the upstream, if any, and closes it after what was written to it; returns it. */
    private NetSocket releaseUpstream() {
        NetSocket old = upstream;
        upstream = null;
        toUpstream = null;
        holding = false;
        reading.upstreamFull(false);
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
                apply(machine.onUpstreamClosed(route.epoch(), route.endpoint(), role.now(), inFlight()), null);
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
        unanswered.reset();
        long now = role.now();
        for (Buffer data = held.poll(); data != null; data = held.poll()) {
            meters.forwardedToUpstream(data.length());
            if (unanswered.wantsCopy(data.length())) {
                unanswered.sent(data.getBytes(), now);
            } else {
                unanswered.sent(data.length(), now);
            }
            toUpstream.write(data);
        }
        if (start.endUpstream()) {
            toUpstream.end();
        }
        reading.holdFull(false);
        reading.upstreamFull(toUpstream.full());
        if (switching) {
            switching = false;
            meters.switchEnded();
            meters.switched(start.cause(), start.switchMillis());
            meters.repointed(start.unansweredBytes(), start.replayed(), start.drainMillis());
            LOG.info("{}: forwarding to {} at epoch {} after {} ms without upstream ({} bytes held, {} sent now{})",
                    name, start.upstream(), start.epoch(), start.switchMillis(), held.fromClient(), flushed,
                    start.unansweredBytes() == 0 ? "" : start.replayed()
                            ? ", of which " + start.unansweredBytes() + " resent unanswered"
                            : "; " + start.unansweredBytes() + " unanswered bytes lost with the old host");
            role.report(role.ledger().reconnected(id, role.wallMillis(), held.fromClient(), start.unansweredBytes(),
                    start.replayed(), start.drainMillis()));
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
        unanswered.reset();
        held.discard();
        closeGracefully(client);
        endSwitch();
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
        reading.finish();
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

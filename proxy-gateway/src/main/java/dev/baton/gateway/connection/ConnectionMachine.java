package dev.baton.gateway.connection;

import dev.baton.events.Endpoint;
import dev.baton.gateway.connection.ClientConnectionState.Closed;
import dev.baton.gateway.connection.ClientConnectionState.Connecting;
import dev.baton.gateway.connection.ClientConnectionState.Draining;
import dev.baton.gateway.connection.ClientConnectionState.Forwarding;
import dev.baton.gateway.connection.ClientConnectionState.Pending;
import dev.baton.gateway.connection.ClientConnectionState.Switching;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The transitions of one client connection, as plain code: every input (the role's route changed, a connect
 * attempt finished, a timer fired, a socket closed) moves the {@link ClientConnectionState} and returns the
 * {@link Action}s the socket layer must take. No sockets, no clock: times are milliseconds passed in.
 *
 * <p>Not thread-safe: the gateway drives each machine from the one event loop that owns its sockets.
 */
public final class ConnectionMachine {
    private final SwitchPolicy policy;
    private final InFlightPolicy inFlightPolicy;
    private ClientConnectionState state;
    private long lastToken;
    private boolean clientEnded;

    public ConnectionMachine(SwitchPolicy policy, InFlightPolicy inFlightPolicy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.inFlightPolicy = Objects.requireNonNull(inFlightPolicy, "inFlightPolicy");
    }

    /** Whether the client half-closed: it sends nothing more, and waits for the rest of the answer. */
    public boolean clientEnded() {
        return clientEnded;
    }

    public ClientConnectionState state() {
        return state;
    }

    /**
     * A client was accepted at {@code now} while the role's route is at {@code epoch}, answering at
     * {@code endpoint} (null when it is not RUNNING there). It waits for its first upstream at most the switch
     * timeout.
     */
    public List<Action> start(long epoch, Endpoint endpoint, long now) {
        if (state != null) {
            throw new IllegalStateException("already started: " + state);
        }
        List<Action> out = new ArrayList<>();
        Pending pending = new Pending(epoch, endpoint, 0, 0, 0, null, now + policy.switchTimeout().toMillis());
        out.add(new Action.ArmDeadline(pending.deadline()));
        state = new Connecting(proceed(pending, out));
        return out;
    }

    /**
     * The role's route is now at {@code epoch}, answering at {@code endpoint} (null when not RUNNING there). A higher
     * epoch takes a forwarding connection off its upstream at once, before the new host is known: the old host lost
     * the role. A waiting connection connects as soon as the target is known, abandoning any attempt at an older
     * target. A forwarding connection that may await an answer ({@code inFlight}: unanswered bytes or recent
     * traffic) drains from the old host when the move is {@code planned} (the old host is healthy), and otherwise
     * follows the in-flight policy.
     */
    public List<Action> onRoute(long epoch, Endpoint endpoint, long now, InFlight inFlight, boolean planned) {
        List<Action> out = new ArrayList<>();
        if (state instanceof Draining draining) {
            if (epoch > draining.epoch() || (epoch == draining.epoch() && endpoint != null)) {
                // A newer move (or the new host's endpoint) while draining: the drain goes on, towards it.
                state = new Draining(epoch, endpoint, draining.from(), draining.fromEpoch(), draining.since(),
                        draining.drainDeadline());
            }
            return out;
        }
        if (state instanceof Forwarding forwarding) {
            if (epoch > forwarding.epoch() && planned && awaiting(inFlight)) {
                long deadline = now + policy.drainTimeout().toMillis();
                state = new Draining(epoch, endpoint, forwarding.upstream(), forwarding.epoch(), now, deadline);
                out.add(new Action.StartDrain(epoch, deadline));
            } else if (epoch > forwarding.epoch()) {
                lose(forwarding.upstream(), forwarding.epoch(), SwitchCause.MOVE, epoch, endpoint, now, now, inFlight,
                        awaiting(inFlight), -1, out);
            }
            // Same epoch, other endpoint (the owner restarted the role elsewhere): a working connection stays; if
            // the old endpoint is really gone its socket closes and onUpstreamClosed picks up the new one.
            return out;
        }
        Pending pending = pending();
        if (pending == null || epoch < pending.epoch()
                || (epoch == pending.epoch() && Objects.equals(endpoint, pending.target()))) {
            return out;
        }
        // The deadline stays: it bounds how long the client goes without an upstream, however many moves happen.
        Pending retargeted = proceed(pending.retarget(epoch, endpoint), out);
        if (state instanceof Switching switching) {
            SwitchCause cause = epoch > pending.epoch() ? SwitchCause.MOVE : switching.cause();
            state = switching.with(retargeted, cause);
        } else {
            state = new Connecting(retargeted);
        }
        return out;
    }

    /**
     * The placement drains the role from its host at {@code epoch} before a planned move: from now on no client byte
     * may reach that host. A forwarding connection that may await an answer drains (its new bytes held, the old
     * upstream half-closed after what it was sent, until it answered and closed or the drain deadline); an idle one
     * leaves its upstream at once. Either then waits, holding its client's bytes, for the move to a higher epoch. A
     * connection still looking for an upstream at {@code epoch} or lower waits for that move too.
     */
    public List<Action> onDrainRequest(long epoch, long now, InFlight inFlight) {
        List<Action> out = new ArrayList<>();
        long next = epoch + 1;
        if (state instanceof Forwarding forwarding) {
            if (forwarding.epoch() > epoch) {
                return out;
            }
            if (awaiting(inFlight)) {
                long deadline = now + policy.drainTimeout().toMillis();
                state = new Draining(next, null, forwarding.upstream(), forwarding.epoch(), now, deadline);
                out.add(new Action.StartDrain(next, deadline));
            } else {
                lose(forwarding.upstream(), forwarding.epoch(), SwitchCause.MOVE, next, null, now, now, inFlight, false,
                        -1, out);
            }
            return out;
        }
        Pending pending = pending();
        if (pending != null && pending.epoch() <= epoch) {
            // Abandons an attempt at the drained host; the deadline stays.
            replacePending(pending.retarget(next, null));
        }
        return out;
    }

    /** The connect attempt {@code token} succeeded at {@code now}. */
    public List<Action> onConnected(long token, long now) {
        Pending pending = pending();
        if (pending == null || token == 0 || pending.connectToken() != token) {
            return List.of(new Action.DiscardConnection(token));
        }
        Action start;
        if (state instanceof Switching switching) {
            start = new Action.StartForwarding(pending.target(), pending.epoch(), true, switching.cause(),
                    Math.max(0, now - switching.since()), switching.unansweredBytes(), switching.replay(),
                    clientEnded, switching.drainMillis());
        } else {
            start = new Action.StartForwarding(pending.target(), pending.epoch(), false, null, 0, 0, false,
                    clientEnded, -1);
        }
        state = new Forwarding(pending.epoch(), pending.target());
        return List.of(start);
    }

    /** The connect attempt {@code token} failed at {@code now} with {@code error}: retry after the back-off. */
    public List<Action> onConnectFailed(long token, String error, long now) {
        Pending pending = pending();
        if (pending == null || token == 0 || pending.connectToken() != token) {
            return List.of();
        }
        long retry = ++lastToken;
        Pending failed = pending.failed(retry, error);
        replacePending(failed);
        return List.of(new Action.ScheduleRetry(retry, policy.backoff().delayMillis(failed.failures())));
    }

    /** The retry timer {@code token} fired at {@code now}. */
    public List<Action> onRetryDue(long token, long now) {
        Pending pending = pending();
        if (pending == null || token == 0 || pending.retryToken() != token) {
            return List.of();
        }
        List<Action> out = new ArrayList<>();
        replacePending(proceed(new Pending(pending.epoch(), pending.target(), 0, 0, pending.failures(),
                pending.lastError(), pending.deadline()), out));
        return out;
    }

    /**
     * The current upstream closed or failed at {@code now} while the route is at {@code routeEpoch}, answering at
     * {@code routeEndpoint}, with {@code inFlight} unanswered. An idle client stays; the gateway reconnects to wherever
     * the route points, at once and then with back-off, within the switch timeout. A client that awaits an answer
     * follows the in-flight policy. A client that half-closed is finished: the upstream closed after its answer.
     */
    public List<Action> onUpstreamClosed(long routeEpoch, Endpoint routeEndpoint, long now, InFlight inFlight) {
        if (state instanceof Draining draining) {
            // The old host answered what it had and closed after the FIN, as a drained host does (or it died): its
            // close ends the answers, so only bytes sent after its last answer count, not recent traffic.
            return endDrain(draining, now, inFlight, inFlight.awaiting());
        }
        if (!(state instanceof Forwarding forwarding)) {
            return List.of();
        }
        List<Action> out = new ArrayList<>();
        if (clientEnded && !inFlight.awaiting()) {
            // Exact here: the upstream's close after the client's FIN is how a server ends an exchange.
            // The client sent everything and the upstream answered and closed: the end of the exchange, not a loss.
            state = new Closed("the upstream closed after answering the half-closed client");
            out.add(new Action.FinishClient());
            return out;
        }
        boolean moved = routeEpoch > forwarding.epoch();
        lose(forwarding.upstream(), forwarding.epoch(), moved ? SwitchCause.MOVE : SwitchCause.UPSTREAM_LOST,
                Math.max(routeEpoch, forwarding.epoch()), routeEpoch >= forwarding.epoch() ? routeEndpoint : null, now,
                now, inFlight, awaiting(inFlight), -1, out);
        return out;
    }

    /** The drain timer fired at {@code now}, with {@code inFlight} still unanswered by the old host. */
    public List<Action> onDrainDeadline(long now, InFlight inFlight) {
        if (!(state instanceof Draining draining) || now < draining.drainDeadline()) {
            return List.of();
        }
        return endDrain(draining, now, inFlight, awaiting(inFlight));
    }

    /**
     * The drain ends: the connection switches to the new host with what the old one left unanswered, under the
     * in-flight policy (nothing, when the old host answered everything). The client's held bytes waited since the
     * drain started.
     */
    private List<Action> endDrain(Draining draining, long now, InFlight inFlight, boolean awaiting) {
        List<Action> out = new ArrayList<>();
        lose(draining.from(), draining.fromEpoch(), SwitchCause.MOVE, draining.epoch(), draining.target(), now,
                draining.since(), inFlight, awaiting, Math.max(0, now - draining.since()), out);
        return out;
    }

    /** The conservative judgement: unanswered bytes, or traffic within the quiet interval. */
    private boolean awaiting(InFlight inFlight) {
        return inFlight.awaiting(policy.quietInterval().toMillis());
    }

    /**
     * The client half-closed at {@code now}: it sends nothing more. A forwarding connection shuts its upstream's
     * output after what was written to it; a waiting one does so once it has an upstream and sent the held bytes. A
     * waiting one that holds nothing ({@code holdsBytes} false) has nothing to deliver and nothing to wait for: it is
     * closed (a client that closed its socket entirely looks the same).
     */
    public List<Action> onClientEnded(long now, boolean holdsBytes) {
        if (clientEnded || state instanceof Closed) {
            return List.of();
        }
        clientEnded = true;
        if (state instanceof Forwarding) {
            return List.of(new Action.EndUpstream());
        }
        if (!holdsBytes && !(state instanceof Draining)) {
            state = new Closed("the client ended its stream while waiting for an upstream, with nothing to send");
            return List.of(new Action.CloseUpstream(), new Action.FinishClient());
        }
        return List.of();
    }

    /**
     * A connection lost its upstream {@code from}: the role moved to {@code epoch} (answering at {@code target},
     * null when not known yet) or the upstream connection went away. Its in-flight policy decides what becomes of a
     * client awaiting an answer; an idle one switches, without an upstream since {@code since}.
     *
     * <p>Under {@code replay}, a connection that may await only because of recent traffic (nothing sent after the
     * upstream's last bytes) has nothing that can be resent safely: the answers may be complete (a client that sends
     * one request at a time) or partial (a pipeline), and resending earlier bytes would run requests twice and hand
     * the client extra answers. It is re-pointed with nothing resent.
     *
     * @param awaiting whether the client may await an answer
     * @param drainMillis how long it drained from {@code from} first; -1 when it did not
     */
    private void lose(Endpoint from, long fromEpoch, SwitchCause cause, long epoch, Endpoint target, long now,
            long since, InFlight inFlight, boolean awaiting, long drainMillis, List<Action> out) {
        boolean replay = false;
        if (awaiting) {
            String abandon = null;
            switch (inFlightPolicy.mode()) {
                case CLOSE -> abandon = awaited(inFlight, from) + " (" + describe(cause, drainMillis)
                        + "); in-flight policy close";
                case REPLAY -> {
                    if (!inFlight.awaiting()) {
                        // recent traffic only: nothing after the last answer bytes to resend
                    } else if (inFlight.replayable()) {
                        replay = true;
                    } else {
                        abandon = awaited(inFlight, from) + " (" + describe(cause, drainMillis)
                                + "), more than the replay limit of "
                                + inFlightPolicy.replayLimitBytes() + " bytes";
                    }
                }
                case REPOINT -> {
                    // re-pointed like an idle connection; the unanswered bytes are lost with the old host
                }
            }
            if (abandon != null) {
                state = new Closed(abandon);
                out.add(new Action.AbandonClient(abandon, epoch, cause, inFlight.unansweredBytes()));
                return;
            }
        } else if (clientEnded && drainMillis < 0) {
            // Nothing to resend and nothing more will come: there is no exchange left to carry over. (After a drain
            // the bytes the client sent before its FIN are held for the new host.)
            state = new Closed("the upstream was lost after it answered the half-closed client");
            out.add(new Action.FinishClient());
            return;
        }
        Pending pending = new Pending(epoch, target, 0, 0, 0, null, now + policy.switchTimeout().toMillis());
        out.add(new Action.DropUpstream(cause, replay));
        out.add(new Action.ArmDeadline(pending.deadline()));
        state = new Switching(proceed(pending, out), cause, since, from, fromEpoch, inFlight.unansweredBytes(), replay,
                drainMillis);
    }

    private static String awaited(InFlight inFlight, Endpoint from) {
        if (inFlight.awaiting()) {
            return "awaited an answer to " + inFlight.unansweredBytes() + " bytes from " + from;
        }
        return "had traffic with " + from + " " + inFlight.quietMillis() + " ms before (answers may be missing)";
    }

    private static String describe(SwitchCause cause, long drainMillis) {
        if (drainMillis >= 0) {
            return "the role moved away from it and it did not answer within " + drainMillis + " ms of draining";
        }
        return cause == SwitchCause.MOVE ? "the role moved away from it" : "the upstream connection was lost";
    }

    /** The deadline timer fired at {@code now}: a connection still without an upstream is closed. */
    public List<Action> onDeadline(long now) {
        Pending pending = pending();
        if (pending == null || now < pending.deadline()) {
            return List.of();
        }
        String reason = failureReason(pending);
        SwitchCause cause = state instanceof Switching switching ? switching.cause() : null;
        state = new Closed(reason);
        return List.of(new Action.CloseClient(reason, pending.epoch(), cause));
    }

    /** The client went away. */
    public List<Action> onClientClosed(long now) {
        if (state instanceof Closed) {
            return List.of();
        }
        state = new Closed("client closed the connection");
        return List.of(new Action.CloseUpstream());
    }

    private Pending proceed(Pending pending, List<Action> out) {
        if (pending.target() == null || pending.connectToken() != 0 || pending.retryToken() != 0) {
            return pending;
        }
        long token = ++lastToken;
        out.add(new Action.Connect(token, pending.target(), pending.epoch()));
        return pending.connecting(token);
    }

    /** The epoch a connection without an upstream follows; -1 when it has an upstream or is closed. */
    public long pendingEpoch() {
        if (state instanceof Draining draining) {
            return draining.epoch();
        }
        Pending pending = pending();
        return pending == null ? -1 : pending.epoch();
    }

    private Pending pending() {
        if (state instanceof Connecting connecting) {
            return connecting.pending();
        }
        if (state instanceof Switching switching) {
            return switching.pending();
        }
        return null;
    }

    private void replacePending(Pending pending) {
        if (state instanceof Switching s) {
            state = s.with(pending, s.cause());
        } else {
            state = new Connecting(pending);
        }
    }

    private String failureReason(Pending pending) {
        long timeoutMs = policy.switchTimeout().toMillis();
        if (pending.target() == null) {
            if (pending.epoch() < 0) {
                return "no assignment of the role seen within " + timeoutMs + " ms";
            }
            return "no host reported the role RUNNING at epoch " + pending.epoch() + " within " + timeoutMs + " ms";
        }
        if (pending.failures() > 0) {
            return pending.target() + " did not accept a connection within the switch timeout of " + timeoutMs
                    + " ms (" + pending.failures() + (pending.failures() == 1 ? " attempt" : " attempts")
                    + " failed, last: " + pending.lastError() + ")";
        }
        return "connecting to " + pending.target() + " did not complete within " + timeoutMs + " ms";
    }
}

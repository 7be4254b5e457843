package dev.baton.gateway.connection;

import dev.baton.events.Endpoint;
import dev.baton.gateway.connection.ClientConnectionState.Closed;
import dev.baton.gateway.connection.ClientConnectionState.Connecting;
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
    private ClientConnectionState state;
    private long lastToken;

    public ConnectionMachine(SwitchPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
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
     * target.
     */
    public List<Action> onRoute(long epoch, Endpoint endpoint, long now) {
        List<Action> out = new ArrayList<>();
        if (state instanceof Forwarding forwarding) {
            if (epoch > forwarding.epoch()) {
                Pending pending = new Pending(epoch, endpoint, 0, 0, 0, null, now + policy.switchTimeout().toMillis());
                out.add(new Action.DropUpstream(SwitchCause.MOVE));
                out.add(new Action.ArmDeadline(pending.deadline()));
                state = new Switching(proceed(pending, out), SwitchCause.MOVE, now, forwarding.upstream(),
                        forwarding.epoch());
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
            state = new Switching(retargeted, cause, switching.since(), switching.from(), switching.fromEpoch());
        } else {
            state = new Connecting(retargeted);
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
                    Math.max(0, now - switching.since()));
        } else {
            start = new Action.StartForwarding(pending.target(), pending.epoch(), false, null, 0);
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
     * {@code routeEndpoint}. The client stays; the gateway reconnects to wherever the route points, at once and
     * then with back-off, within the switch timeout.
     */
    public List<Action> onUpstreamClosed(long routeEpoch, Endpoint routeEndpoint, long now) {
        if (!(state instanceof Forwarding forwarding)) {
            return List.of();
        }
        List<Action> out = new ArrayList<>();
        boolean moved = routeEpoch > forwarding.epoch();
        Pending pending = new Pending(Math.max(routeEpoch, forwarding.epoch()),
                routeEpoch >= forwarding.epoch() ? routeEndpoint : null, 0, 0, 0, null,
                now + policy.switchTimeout().toMillis());
        SwitchCause cause = moved ? SwitchCause.MOVE : SwitchCause.UPSTREAM_LOST;
        out.add(new Action.DropUpstream(cause));
        out.add(new Action.ArmDeadline(pending.deadline()));
        state = new Switching(proceed(pending, out), cause, now, forwarding.upstream(), forwarding.epoch());
        return out;
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
            state = new Switching(pending, s.cause(), s.since(), s.from(), s.fromEpoch());
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

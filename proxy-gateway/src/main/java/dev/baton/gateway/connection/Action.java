package dev.baton.gateway.connection;

import dev.baton.events.Endpoint;

/**
 * What the socket layer must do after a transition of a {@link ConnectionMachine}. Tokens tie the completion of
 * a connect or a timer back to the attempt that started it, so a late completion of an abandoned attempt is
 * recognised and discarded.
 */
public sealed interface Action {

    /** Open a connection to {@code target}; report the outcome with {@code token}. */
    record Connect(long token, Endpoint target, long epoch) implements Action {
    }

    /** Call {@link ConnectionMachine#onRetryDue} with {@code token} after {@code delayMillis}. */
    record ScheduleRetry(long token, long delayMillis) implements Action {
    }

    /** Call {@link ConnectionMachine#onDeadline} at {@code atMillis}. */
    record ArmDeadline(long atMillis) implements Action {
    }

    /**
     * Stop forwarding to the current upstream and close it; hold the client's bytes from now on.
     *
     * @param replay put the bytes the lost upstream had not answered in front of the held bytes, to resend them
     */
    record DropUpstream(SwitchCause cause, boolean replay) implements Action {
    }

    /**
     * Make the connection just opened the upstream: send the role's preamble first when {@code reconnect}, then the
     * held bytes in order, then forward both ways.
     *
     * @param reconnect whether this is not the client's first upstream
     * @param cause why the previous upstream was lost; null for the first upstream
     * @param switchMillis how long the client was without an upstream; 0 for the first upstream
     * @param unansweredBytes client bytes the previous upstream had not answered when it was lost; 0 when idle
     * @param replayed whether those bytes are among the held ones (in-flight policy {@code replay})
     * @param endUpstream the client half-closed: shut the new upstream's output once the held bytes are written
     * @param drainMillis how long the connection drained from the old host of a planned move; -1 when it did not
     */
    record StartForwarding(Endpoint upstream, long epoch, boolean reconnect, SwitchCause cause, long switchMillis,
            long unansweredBytes, boolean replayed, boolean endUpstream, long drainMillis) implements Action {
    }

    /**
     * A planned move: hold the client's bytes from now on, shut the old upstream's output once what was written to
     * it is sent (it answers what it got, then closes), keep forwarding its answers, and call
     * {@link ConnectionMachine#onDrainDeadline} at {@code deadlineMillis}.
     *
     * @param epoch the epoch the connection moves to
     */
    record StartDrain(long epoch, long deadlineMillis) implements Action {
    }

    /** Close the connection just opened: its attempt was abandoned while it was in flight. */
    record DiscardConnection(long token) implements Action {
    }

    /**
     * Close the client connection (and any upstream) because it could not be given an upstream in time.
     *
     * @param cause why it was switching; null when it never had an upstream
     */
    record CloseClient(String reason, long epoch, SwitchCause cause) implements Action {
    }

    /** The client went away: close the upstream, if any, after what was written to it. */
    record CloseUpstream() implements Action {
    }

    /**
     * Close the client connection at once (and the lost upstream): it awaited an answer the lost upstream will never
     * send, and its in-flight policy does not re-point it. The client sees its connection close, as a direct
     * connection to the lost host would have, and its own retry reaches the new host.
     *
     * @param epoch the epoch the connection would have followed
     * @param unansweredBytes the client bytes left without an answer
     */
    record AbandonClient(String reason, long epoch, SwitchCause cause, long unansweredBytes) implements Action {
    }

    /** The client half-closed: shut the upstream's output once what was written to it is sent. */
    record EndUpstream() implements Action {
    }

    /**
     * The exchange is over (the client half-closed and the upstream closed after its answer): close the client after
     * what was written to it, and the upstream.
     */
    record FinishClient() implements Action {
    }
}

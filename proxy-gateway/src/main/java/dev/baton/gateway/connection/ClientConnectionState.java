package dev.baton.gateway.connection;

import dev.baton.events.Endpoint;

/**
 * The state of one client connection through the gateway.
 *
 * <pre>
 *            accept
 *              |
 *              v          connected            move / upstream closed
 *        Connecting ------------------&gt; Forwarding ----------------------&gt; Switching
 *                                         |  planned move while awaiting an answer    ^
 *                                         +------------&gt; Draining --------------------+
 *                                                          old upstream closed / drain deadline
 *              |                          ^                                  |
 *              |                          +---------- connected -------------+
 *              |  deadline / client closed                                   |  deadline / client closed
 *              +-------------------------&gt; Closed &lt;--------------------------+
 * </pre>
 *
 * <p>A connection that awaits an answer when it loses its upstream follows the role's {@link InFlightPolicy}: it may
 * go to {@link Closed} at once instead of {@link Switching}, or switch with its unanswered bytes to resend.
 *
 * <p>While {@link Connecting} or {@link Switching} the client's bytes are held (bounded, see the module README) and
 * delivered in order once {@link Forwarding}. Times are milliseconds on the caller's clock.
 */
public sealed interface ClientConnectionState {

    /** The client is accepted and waits for its first upstream. */
    record Connecting(Pending pending) implements ClientConnectionState {
    }

    /** Bytes flow both ways between the client and {@code upstream}, the role's host at {@code epoch}. */
    record Forwarding(long epoch, Endpoint upstream) implements ClientConnectionState {
    }

    /**
     * The client lost its upstream at {@code since} and waits for the next one.
     *
     * @param from the upstream it lost
     * @param fromEpoch the epoch it followed until then
     * @param unansweredBytes client bytes the lost upstream had not answered; 0 when the connection was idle
     * @param replay whether those bytes are resent to the next upstream (in-flight policy {@code replay})
     * @param drainMillis how long the connection drained from the old host before switching; -1 when it did not
     */
    record Switching(Pending pending, SwitchCause cause, long since, Endpoint from, long fromEpoch,
            long unansweredBytes, boolean replay, long drainMillis) implements ClientConnectionState {

        Switching with(Pending next, SwitchCause nextCause) {
            return new Switching(next, nextCause, since, from, fromEpoch, unansweredBytes, replay, drainMillis);
        }
    }

    /**
     * A planned move took the role to {@code epoch} while the client awaited an answer from {@code from}: the old
     * host, still healthy, gets the end of the client's stream (a FIN after the bytes already sent) and its answers
     * still reach the client; the client's new bytes are held. Ends when the old upstream closes, or at
     * {@code drainDeadline}; then the connection switches to the new host.
     *
     * @param target where the role answers at {@code epoch}; null until its host reported it RUNNING
     * @param since when the drain started
     */
    record Draining(long epoch, Endpoint target, Endpoint from, long fromEpoch, long since, long drainDeadline)
            implements ClientConnectionState {
    }

    /** The client connection is closed; final. */
    record Closed(String reason) implements ClientConnectionState {
    }

    /**
     * What a connection without an upstream waits for.
     *
     * @param epoch the role epoch it follows
     * @param target where the role answers at {@code epoch}; null until its host reported it RUNNING
     * @param connectToken the token of the connect attempt in flight; 0 when none is
     * @param retryToken the token of the retry timer armed; 0 when none is
     * @param failures consecutive failed connect attempts to {@code target}
     * @param lastError the error of the latest failed attempt; null when none failed
     * @param deadline when the connection is closed if it still has no upstream
     */
    record Pending(long epoch, Endpoint target, long connectToken, long retryToken, int failures, String lastError,
            long deadline) {

        Pending connecting(long token) {
            return new Pending(epoch, target, token, 0, failures, lastError, deadline);
        }

        Pending failed(long retry, String error) {
            return new Pending(epoch, target, 0, retry, failures + 1, error, deadline);
        }

        Pending retarget(long newEpoch, Endpoint newTarget) {
            return new Pending(newEpoch, newTarget, 0, 0, 0, null, deadline);
        }
    }
}

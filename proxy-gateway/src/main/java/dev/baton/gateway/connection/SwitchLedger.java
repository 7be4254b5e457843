package dev.baton.gateway.connection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects, per role, how the connections that lost their upstream fared, so the gateway reports one outcome per
 * move instead of one per connection. A round opens when the role moves (or, without a move, when a first
 * connection loses its upstream) and closes once every connection in it was re-pointed, closed or went away.
 *
 * <p>A move that arrives while a round is open supersedes it: the connections still waiting carry over to the new
 * round, the ones already re-pointed are reported for the old epoch. Pure; times are wall-clock milliseconds
 * passed in, so the reconnect time can be measured from the placement's {@code occurredAt}.
 */
public final class SwitchLedger {
    private final String roleId;
    private Round open;

    public SwitchLedger(String roleId) {
        this.roleId = roleId;
    }

    /**
     * The outcome of a round.
     *
     * @param moved connections re-pointed to a new upstream
     * @param closed connections the gateway closed because the switch did not complete in time
     * @param reconnectMillis from the move to the first connection forwarding to the new host; -1 when none moved
     *     or the move time is unknown
     * @param bytesBuffered client bytes the re-pointed connections held while they were switching
     * @param failureReason the reason of the first connection closed; null when none was
     */
    public record Report(String roleId, long epoch, SwitchCause cause, int moved, int closed, long reconnectMillis,
            long bytesBuffered, String failureReason) {
    }

    private static final class Round {
        final long epoch;
        final SwitchCause cause;
        Long movedAtMillis;
        final Set<Long> pending = new HashSet<>();
        final Set<Long> moved = new HashSet<>();
        final Set<Long> closed = new HashSet<>();
        long firstForwardAt = Long.MAX_VALUE;
        long bytesBuffered;
        String failureReason;

        Round(long epoch, SwitchCause cause, Long movedAtMillis) {
            this.epoch = epoch;
            this.cause = cause;
            this.movedAtMillis = movedAtMillis;
        }
    }

    /** The epoch of the open round, or -1 when none is open. */
    public long openEpoch() {
        return open == null ? -1 : open.epoch;
    }

    /** Connections of the open round still without an upstream. */
    public int pending() {
        return open == null ? 0 : open.pending.size();
    }

    /**
     * The role moved to {@code epoch} at {@code movedAtMillis} (null when unknown). Call before handing the new route
     * to the connections, then {@link #settle()} after.
     *
     * @return the report of a round this move superseded, if it had outcomes
     */
    public List<Report> moved(long epoch, Long movedAtMillis) {
        List<Report> out = new ArrayList<>();
        Round next = new Round(epoch, SwitchCause.MOVE, movedAtMillis);
        if (open != null) {
            next.pending.addAll(open.pending);
            open.pending.clear();
            report(open, out);
        }
        open = next;
        return out;
    }

    /** A better move time for {@code epoch} is known (the RoleMoved arrived after the assignment). */
    public void refineMovedAt(long epoch, long movedAtMillis) {
        if (open != null && open.epoch == epoch) {
            open.movedAtMillis = movedAtMillis;
        }
    }

    /** Connection {@code connectionId} lost its upstream at {@code epoch} for {@code cause}. */
    public void joined(long connectionId, long epoch, SwitchCause cause) {
        if (open == null || open.epoch < epoch) {
            open = new Round(epoch, cause, null);
        }
        open.moved.remove(connectionId);
        open.pending.add(connectionId);
    }

    /** Connection {@code connectionId} forwards to its new upstream since {@code atMillis}, after holding bytes. */
    public List<Report> reconnected(long connectionId, long atMillis, long bytesBuffered) {
        if (open == null || !open.pending.remove(connectionId)) {
            return List.of();
        }
        open.moved.add(connectionId);
        open.firstForwardAt = Math.min(open.firstForwardAt, atMillis);
        open.bytesBuffered += bytesBuffered;
        return settle();
    }

    /** The gateway closed connection {@code connectionId}: its switch did not complete in time. */
    public List<Report> closed(long connectionId, String reason) {
        if (open == null || !open.pending.remove(connectionId)) {
            return List.of();
        }
        open.closed.add(connectionId);
        if (open.failureReason == null) {
            open.failureReason = reason;
        }
        return settle();
    }

    /** The client of connection {@code connectionId} went away while it was switching: it counts nowhere. */
    public List<Report> left(long connectionId) {
        if (open == null || !open.pending.remove(connectionId)) {
            return List.of();
        }
        return settle();
    }

    /** Closes the open round when no connection in it is waiting any more, and reports it. */
    public List<Report> settle() {
        if (open == null || !open.pending.isEmpty()) {
            return List.of();
        }
        List<Report> out = new ArrayList<>();
        report(open, out);
        open = null;
        return out;
    }

    private void report(Round round, List<Report> out) {
        if (round.moved.isEmpty() && round.closed.isEmpty()) {
            return;
        }
        long reconnectMillis = round.moved.isEmpty() || round.movedAtMillis == null
                ? -1 : Math.max(0, round.firstForwardAt - round.movedAtMillis);
        out.add(new Report(roleId, round.epoch, round.cause, round.moved.size(), round.closed.size(), reconnectMillis,
                round.bytesBuffered, round.failureReason));
    }
}

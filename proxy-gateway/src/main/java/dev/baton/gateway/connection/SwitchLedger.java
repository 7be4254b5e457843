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
 *
 * <p>A killed host usually closes its connections before the placement has even declared it down, so the connections
 * that awaited an answer are closed (in-flight policy {@code close}) in a round without a move. Those closures are
 * carried over to the next move away from that epoch, if it comes within the carry window (the switch timeout):
 * they are part of that move's outcome, and the event published for it says so.
 */
public final class SwitchLedger {
    /** The default carry window: the default switch timeout. */
    public static final long DEFAULT_CARRY_WINDOW_MILLIS = 10_000;

    private final String roleId;
    private final long carryWindowMillis;
    private Round open;
    private int carriedAwaiting;
    private long carriedEpoch = -1;
    private long carriedAtMillis;

    public SwitchLedger(String roleId) {
        this(roleId, DEFAULT_CARRY_WINDOW_MILLIS);
    }

    /**
     * @param carryWindowMillis how long before a move a connection closed for awaiting an answer at the epoch moved
     *     away from still counts as part of that move
     */
    public SwitchLedger(String roleId, long carryWindowMillis) {
        this.roleId = roleId;
        this.carryWindowMillis = carryWindowMillis;
    }

    /**
     * How the connections of a round that awaited an answer, or not, fared.
     *
     * @param idle connections re-pointed with nothing unanswered
     * @param replayed connections re-pointed with their unanswered bytes resent to the new host
     * @param repointedAwaiting connections re-pointed although they awaited an answer (in-flight policy
     *     {@code repoint}): their unanswered bytes were lost with the old host
     * @param closedAwaiting connections closed at once because they awaited an answer the lost upstream would never
     *     send (in-flight policy {@code close}, or {@code replay} past its limit)
     * @param bytesReplayed the bytes resent by the replayed connections
     * @param drained connections of a planned move that awaited an answer, got it from the old host while draining,
     *     then were re-pointed (not counted in {@code idle})
     * @param drainMillis the longest drain of the round; 0 when none drained
     */
    public record Outcomes(int idle, int replayed, int repointedAwaiting, int closedAwaiting, long bytesReplayed,
            int drained, long drainMillis) {
        public static final Outcomes NONE = new Outcomes(0, 0, 0, 0, 0, 0, 0);
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
     * @param outcomes the re-pointed connections by what they had in flight, and those closed because they awaited
     *     an answer (not counted in {@code closed})
     */
    public record Report(String roleId, long epoch, SwitchCause cause, int moved, int closed, long reconnectMillis,
            long bytesBuffered, String failureReason, Outcomes outcomes) {
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
        int idle;
        int replayed;
        int repointedAwaiting;
        int closedAwaiting;
        long bytesReplayed;
        int drained;
        long drainMillis;

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
            if (open.cause == SwitchCause.UPSTREAM_LOST && open.epoch < epoch) {
                // The loss that came before this move is part of it: its host was on its way out.
                next.closedAwaiting += open.closedAwaiting;
                open.closedAwaiting = 0;
            }
            report(open, out);
        }
        if (carriedAwaiting > 0 && carriedEpoch < epoch && (movedAtMillis == null
                || movedAtMillis - carriedAtMillis <= carryWindowMillis)) {
            next.closedAwaiting += carriedAwaiting;
        }
        carriedAwaiting = 0;
        carriedEpoch = -1;
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

    /**
     * Connection {@code connectionId}, idle when its upstream was lost, forwards to a new one since
     * {@code atMillis}.
     */
    public List<Report> reconnected(long connectionId, long atMillis, long bytesBuffered) {
        return reconnected(connectionId, atMillis, bytesBuffered, 0, false, -1);
    }

    /**
     * Connection {@code connectionId} forwards to its new upstream since {@code atMillis}, after holding
     * {@code bytesBuffered} client bytes; {@code unansweredBytes} were unanswered when it lost the old one, resent
     * when {@code replayed}; it drained from the old host for {@code drainMillis} first (-1 when it did not).
     */
    public List<Report> reconnected(long connectionId, long atMillis, long bytesBuffered, long unansweredBytes,
            boolean replayed, long drainMillis) {
        if (open == null || !open.pending.remove(connectionId)) {
            return List.of();
        }
        open.moved.add(connectionId);
        open.firstForwardAt = Math.min(open.firstForwardAt, atMillis);
        open.bytesBuffered += bytesBuffered;
        if (drainMillis >= 0) {
            open.drainMillis = Math.max(open.drainMillis, drainMillis);
        }
        if (unansweredBytes == 0 && drainMillis >= 0) {
            open.drained++;
        } else if (unansweredBytes == 0) {
            open.idle++;
        } else if (replayed) {
            open.replayed++;
            open.bytesReplayed += unansweredBytes;
        } else {
            open.repointedAwaiting++;
        }
        return settle();
    }

    /**
     * Connection {@code connectionId} was closed at {@code atMillis} because it awaited an answer when it lost its
     * upstream at {@code epoch} (the epoch it would have followed) for {@code cause}.
     */
    public List<Report> abandoned(long connectionId, long epoch, SwitchCause cause, long atMillis) {
        if (open == null || open.epoch < epoch) {
            open = new Round(epoch, cause, null);
        }
        open.pending.remove(connectionId);
        open.closedAwaiting++;
        if (open.cause == SwitchCause.UPSTREAM_LOST) {
            carriedAtMillis = atMillis;
        }
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
        if (open.cause == SwitchCause.UPSTREAM_LOST && open.closedAwaiting > 0) {
            // Reported (logged) with this round, and kept for the move that is likely to follow.
            carriedAwaiting += open.closedAwaiting;
            carriedEpoch = Math.max(carriedEpoch, open.epoch);
        }
        report(open, out);
        open = null;
        return out;
    }

    private void report(Round round, List<Report> out) {
        if (round.moved.isEmpty() && round.closed.isEmpty() && round.closedAwaiting == 0) {
            return;
        }
        long reconnectMillis = round.moved.isEmpty() || round.movedAtMillis == null
                ? -1 : Math.max(0, round.firstForwardAt - round.movedAtMillis);
        out.add(new Report(roleId, round.epoch, round.cause, round.moved.size(), round.closed.size(), reconnectMillis,
                round.bytesBuffered, round.failureReason, new Outcomes(round.idle, round.replayed,
                        round.repointedAwaiting, round.closedAwaiting, round.bytesReplayed, round.drained,
                round.drainMillis)));
    }
}

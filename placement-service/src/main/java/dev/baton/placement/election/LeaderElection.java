package dev.baton.placement.election;

import dev.baton.events.PlacementHeartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who leads the placement: decided by every instance from the instances' heartbeats on the placement-control
 * topic. A plain object: fed heartbeats and the consumer's progress, asked to {@link #evaluate} at a time passed
 * in. Not thread-safe.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>An instance is alive while its latest heartbeat is younger than {@code timeout}, judged on the stream's
 *       clock (record timestamps against how far the consumer has read), like the failure detector: a paused
 *       instance reads its backlog before it judges anyone. Never further than the newest record read: while the
 *       broker is paused or unreachable, nobody ages. A stretch of more than half a timeout in which the topic got
 *       no record at all is the broker's silence: every instance's age counts from its end, so a broker pause or
 *       restart changes no leader.</li>
 *   <li>The leader is the alive instance claiming leadership with the highest term. A leader that sees an alive
 *       claim with a higher term steps down.</li>
 *   <li>With no alive leader, the alive instance with the smallest id takes over with the highest term seen plus
 *       one. If that instance has not taken over within three {@code timeout}s (a takeover itself takes a few
 *       hundred milliseconds), any standby may.</li>
 *   <li>Two instances claiming the same term (both took over at once): the one with the larger id steps down.
 *       Whichever of the two initialised the transactional id last holds the fence; if that was the one that
 *       stepped down, the other is fenced at its next commit and steps down too, and the election runs again
 *       with a higher term.</li>
 *   <li>An instance judges nothing until it has read the stream for {@code timeout} after its start, so that it
 *       learns of a leader before it could claim leadership itself; and it never takes over while the stream has
 *       records it has not read yet (a new instance reading the topic's history, a paused one reading its
 *       backlog): the leader it does not know of yet is in there.</li>
 * </ul>
 * This decides who <em>should</em> lead; it is not what keeps two leaders from both writing. That is the
 * transactional producer whose shared {@code transactional.id} fences every earlier leader when a new one
 * initialises it (see docs/architecture.md). Two instances briefly believing they lead is therefore safe.
 */
public final class LeaderElection {
    private final String instanceId;
    private final Duration timeout;
    private final Instant startedAt;
    private final Map<String, Peer> peers = new HashMap<>();
    private Instant readThrough = Instant.EPOCH;
    private boolean caughtUp;
    private long highestTerm;
    private Instant leaderlessSince;
    /** The newest record timestamp read: how far the broker's clock is known to have run. */
    private Instant streamClock;
    /** The end of the latest stretch in which the broker appended nothing to the topic. */
    private Instant gapEnd;

    /** The latest heartbeat of an instance. */
    private record Peer(String instanceId, long term, boolean leader, String adminUrl, Instant recordTimestamp) {
    }

    /** What an instance should do now. */
    public sealed interface Verdict permits Lead, StepDown, Follow {
    }

    /** Take over leadership in {@code term}. */
    public record Lead(long term, String reason) implements Verdict {
    }

    /** Stop leading: {@code leaderId} leads in a higher term. */
    public record StepDown(String leaderId, long term, String reason) implements Verdict {
    }

    /**
     * Keep doing what it does: lead if it leads, stand by otherwise.
     *
     * @param leaderId the alive leader, null when there is none (yet)
     * @param leaderAdminUrl where the leader's admin API answers, null when unknown
     */
    public record Follow(String leaderId, long term, String leaderAdminUrl) implements Verdict {
    }

    public LeaderElection(String instanceId, Duration timeout, Instant startedAt) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Records a heartbeat read from the control topic (this instance's own included). */
    public void onHeartbeat(PlacementHeartbeat heartbeat, Instant recordTimestamp) {
        highestTerm = Math.max(highestTerm, heartbeat.term());
        if (streamClock == null || recordTimestamp.isAfter(streamClock)) {
            if (streamClock != null && Duration.between(streamClock, recordTimestamp).compareTo(timeout.dividedBy(2)) > 0) {
                gapEnd = recordTimestamp;
            }
            streamClock = recordTimestamp;
        }
        Peer known = peers.get(heartbeat.instanceId());
        if (known == null || !recordTimestamp.isBefore(known.recordTimestamp())) {
            peers.put(heartbeat.instanceId(), new Peer(heartbeat.instanceId(), heartbeat.term(), heartbeat.leader(),
                    heartbeat.adminUrl(), recordTimestamp));
        }
    }

    /**
     * Every control record with a timestamp at or before {@code readThrough} has been handed to this object;
     * {@code caughtUp} when no record was left to read after the poll.
     */
    public void onProgress(Instant readThrough, boolean caughtUp) {
        if (readThrough.isAfter(this.readThrough)) {
            this.readThrough = readThrough;
        }
        this.caughtUp = caughtUp;
    }

    /** The highest term any instance announced. */
    public long highestTerm() {
        return highestTerm;
    }

    /**
     * Decides for this instance.
     *
     * @param leading whether this instance leads now
     * @param term this instance's term when it leads
     */
    public Verdict evaluate(Instant now, boolean leading, long term) {
        Instant horizon = readThrough.isAfter(now) ? now : readThrough;
        if (streamClock != null && streamClock.isBefore(horizon)) {
            horizon = streamClock;
        }
        Peer leader = null;
        for (Peer peer : peers.values()) {
            if (peer.leader() && alive(peer, horizon) && (leader == null || peer.term() > leader.term())) {
                leader = peer;
            }
        }
        if (leading) {
            for (Peer peer : peers.values()) {
                if (!peer.leader() || peer.instanceId().equals(instanceId) || !alive(peer, horizon)) {
                    continue;
                }
                if (peer.term() > term) {
                    return new StepDown(peer.instanceId(), peer.term(),
                            peer.instanceId() + " leads in term " + peer.term() + ", above this instance's term " + term);
                }
                if (peer.term() == term && peer.instanceId().compareTo(instanceId) < 0) {
                    return new StepDown(peer.instanceId(), peer.term(),
                            peer.instanceId() + " also leads in term " + term + " and has the smaller id");
                }
            }
            leaderlessSince = null;
            return new Follow(instanceId, term, null);
        }
        if (leader != null && !leader.instanceId().equals(instanceId)) {
            leaderlessSince = null;
            return new Follow(leader.instanceId(), leader.term(), leader.adminUrl());
        }
        if (horizon.isBefore(startedAt.plus(timeout)) || !caughtUp) {
            return new Follow(null, highestTerm, null);
        }
        if (leaderlessSince == null) {
            leaderlessSince = now;
        }
        String candidate = instanceId;
        for (Peer peer : peers.values()) {
            if (alive(peer, horizon) && peer.instanceId().compareTo(candidate) < 0) {
                candidate = peer.instanceId();
            }
        }
        boolean overdue = !now.isBefore(leaderlessSince.plus(timeout.multipliedBy(3)));
        if (candidate.equals(instanceId) || overdue) {
            String why = leader == null && peers.values().stream().anyMatch(Peer::leader)
                    ? "the leader's heartbeats stopped" : "no instance leads";
            return new Lead(highestTerm + 1, why + (candidate.equals(instanceId) ? "" : " and " + candidate
                    + " did not take over within " + timeout.multipliedBy(3).toMillis() + " ms"));
        }
        return new Follow(null, highestTerm, null);
    }

    private boolean alive(Peer peer, Instant horizon) {
        Instant from = gapEnd != null && gapEnd.isAfter(peer.recordTimestamp()) ? gapEnd : peer.recordTimestamp();
        return Duration.between(from, horizon).compareTo(timeout) < 0;
    }
}

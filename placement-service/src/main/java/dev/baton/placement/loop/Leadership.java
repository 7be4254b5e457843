package dev.baton.placement.loop;

import dev.baton.placement.election.LeaderElection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance leads, and the way there and back. The {@link LeaderElection} says who should lead; a
 * takeover then runs as stages, one step per round, so the loop keeps reading and judging heartbeats meanwhile:
 *
 * <ol>
 *   <li><b>Confirming</b>: read placement-control up to the end the broker reports now and judge again, so a
 *       leader announced while this instance was stalled or behind is followed rather than deposed;</li>
 *   <li><b>Opening</b>: open the leader's transactional publisher on the {@link LeaderChannel}'s worker, which
 *       fences every earlier leader and completes or aborts its open transaction;</li>
 *   <li><b>Catching up</b>: read role-assignments up to its end, so every role's epoch continues from the last
 *       committed one and nothing an earlier leader committed is decided again;</li>
 *   <li><b>Leading</b>, until the election or a fenced publisher says to step down.</li>
 * </ol>
 * A stage that does not finish within the takeover timeout abandons the takeover; a publisher opened for it is
 * closed, also when it is opened only after the takeover was abandoned.
 */
final class Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private sealed interface Stage {
    }

    private record Standby() implements Stage {
    }

    private record Confirming(Map<TopicPartition, Long> end, Instant deadline, Instant started) implements Stage {
    }

    private record Opening(LeaderElection.Lead lead, CompletableFuture<EventPublisher> publisher, Instant deadline,
            Instant started) implements Stage {
    }

    private record CatchingUp(LeaderElection.Lead lead, EventPublisher publisher, Map<TopicPartition, Long> end,
            Instant deadline, Instant started) implements Stage {
    }

    private record Leading(EventPublisher publisher) implements Stage {
    }

    private final String instanceId;
    private final LeaderElection election;
    private final LoopInputs inputs;
    private final LeaderChannel channel;
    private final Duration takeoverTimeout;
    private final LoopMetrics metrics;
    private Stage stage = new Standby();
    private volatile boolean leading;
    private volatile long term;
    private volatile LeaderElection.Follow following = new LeaderElection.Follow(null, 0, null);

    Leadership(String instanceId, LeaderElection election, LoopInputs inputs, LeaderChannel channel,
            Duration takeoverTimeout, LoopMetrics metrics) {
        this.instanceId = instanceId;
        this.election = election;
        this.inputs = inputs;
        this.channel = channel;
        this.takeoverTimeout = takeoverTimeout;
        this.metrics = metrics;
    }

    /** Whether this instance leads: it decides and publishes. Readable from any thread. */
    boolean leading() {
        return leading;
    }

    /** The term this instance leads in. */
    long term() {
        return term;
    }

    /** The leader this instance follows, as of the latest election verdict (itself when it leads). */
    LeaderElection.Follow following() {
        return following;
    }

    /** Why this instance does not decide, for the snapshot and for refused requests. */
    String notLeading() {
        LeaderElection.Follow follow = following;
        return follow.leaderId() == null || follow.leaderId().equals(instanceId)
                ? "no placement instance leads yet" : "this instance is a standby; " + follow.leaderId() + " leads";
    }

    /** The leader's publisher; only while {@link #leading()}. */
    EventPublisher publisher() {
        return stage instanceof Leading lead ? lead.publisher() : null;
    }

    /** One step of the election and of a takeover in progress. */
    void step(Instant now) {
        try {
            stage = next(now);
        } catch (KafkaException e) {
            // An end-offset query the broker did not answer: the takeover is tried again from the start.
            LOG.warn("Instance {} could not take over: {}", instanceId, e.toString());
            abandon();
        }
    }

    private Stage next(Instant now) {
        if (stage instanceof Standby) {
            LeaderElection.Verdict verdict = election.evaluate(now, false, term);
            if (verdict instanceof LeaderElection.Lead) {
                return new Confirming(inputs.controlEndOffsets(), now.plus(takeoverTimeout), now);
            }
            if (verdict instanceof LeaderElection.Follow follow) {
                follow(follow);
            }
            return stage;
        }
        if (stage instanceof Confirming confirming) {
            if (!inputs.reached(confirming.end())) {
                return expired(now, confirming.deadline(), "read placement-control to its end") ? new Standby() : stage;
            }
            LeaderElection.Verdict confirmed = election.evaluate(now, false, term);
            if (!(confirmed instanceof LeaderElection.Lead lead)) {
                LOG.info("Instance {} does not take over: placement-control read to its end shows {}", instanceId,
                        confirmed);
                if (confirmed instanceof LeaderElection.Follow follow) {
                    follow(follow);
                }
                return new Standby();
            }
            return new Opening(lead, channel.open(), now.plus(takeoverTimeout), confirming.started());
        }
        if (stage instanceof Opening opening) {
            if (!opening.publisher().isDone()) {
                if (expired(now, opening.deadline(), "open the leader's publisher")) {
                    closeWhenOpened(opening.publisher());
                    return new Standby();
                }
                return stage;
            }
            EventPublisher publisher;
            try {
                publisher = opening.publisher().join();
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.warn("Instance {} could not take over (term {}): {}", instanceId, opening.lead().term(),
                        cause.toString());
                return new Standby();
            }
            try {
                return new CatchingUp(opening.lead(), publisher, inputs.assignmentEndOffsets(),
                        now.plus(takeoverTimeout), opening.started());
            } catch (RuntimeException e) {
                channel.close(publisher);
                throw e;
            }
        }
        if (stage instanceof CatchingUp catching) {
            if (!inputs.reached(catching.end())) {
                if (expired(now, catching.deadline(), "read role-assignments to its end")) {
                    channel.close(catching.publisher());
                    return new Standby();
                }
                return stage;
            }
            term = catching.lead().term();
            leading = true;
            following = new LeaderElection.Follow(instanceId, term, null);
            metrics.takeovers.increment();
            LOG.info("Instance {} leads in term {} ({}); took over in {} ms", instanceId, term,
                    catching.lead().reason(), Duration.between(catching.started(), now).toMillis());
            return new Leading(catching.publisher());
        }
        LeaderElection.Verdict verdict = election.evaluate(now, true, term);
        if (verdict instanceof LeaderElection.StepDown down) {
            stepDown(down.reason());
            return new Standby();
        }
        return stage;
    }

    private boolean expired(Instant now, Instant deadline, String what) {
        if (!now.isAfter(deadline)) {
            return false;
        }
        LOG.warn("Instance {} could not {} within {} ms; not taking over", instanceId, what, takeoverTimeout.toMillis());
        return true;
    }

    private void follow(LeaderElection.Follow follow) {
        if (!Objects.equals(follow.leaderId(), following.leaderId())) {
            LOG.info("Instance {} stands by; leader: {} (term {})", instanceId,
                    follow.leaderId() == null ? "none yet" : follow.leaderId(), follow.term());
        }
        following = follow;
    }

    private void closeWhenOpened(CompletableFuture<EventPublisher> opening) {
        opening.thenAccept(channel::close);
    }

    /** Gives up a takeover in progress, closing a publisher opened for it. */
    private void abandon() {
        if (stage instanceof Opening opening) {
            closeWhenOpened(opening.publisher());
        } else if (stage instanceof CatchingUp catching) {
            channel.close(catching.publisher());
        }
        if (!(stage instanceof Leading)) {
            stage = new Standby();
        }
    }

    /** Stops leading: the publisher is closed (after what it is still doing); the election decides again. */
    void stepDown(String reason) {
        if (stage instanceof Leading lead) {
            channel.close(lead.publisher());
            leading = false;
            stage = new Standby();
            following = new LeaderElection.Follow(null, election.highestTerm(), null);
            metrics.stepDowns.increment();
            LOG.warn("Instance {} steps down from term {}: {}", instanceId, term, reason);
        }
    }

    /** Closes whatever publisher this instance holds or is opening; the loop is stopping. */
    void close() {
        abandon();
        stepDown("the placement-service is stopping");
    }
}

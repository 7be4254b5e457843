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
 * closed, also when it is opened only after the takeover was abandoned. A leader whose publisher broke on its own
 * goes on in its term with a new one ({@link #reopen}).
 */
final class Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    /**
     * How long a leader whose publisher broke keeps its claim while it cannot open a new one: long enough for a
     * broker restart (log recovery took 12-27 s on a loaded 2-core machine). Claiming longer than the broker is
     * away is harmless: an instance cut off from the broker is not heard, so the others elect a new leader, and it
     * steps down when it reads the newer term.
     */
    private static final Duration REOPEN_WINDOW = Duration.ofSeconds(60);

    private sealed interface Stage {
    }

    private record Standby() implements Stage {
    }

    private record Confirming(Map<TopicPartition, Long> end, Instant deadline, Instant started) implements Stage {
    }

    private record Opening(LeaderElection.Lead lead, CompletableFuture<EventPublisher> publisher, Instant deadline,
            Instant started) implements Stage {
    }

    /** @param reopen the instance led already and goes on in its term with a new publisher */
    private record CatchingUp(LeaderElection.Lead lead, EventPublisher publisher, Map<TopicPartition, Long> end,
            Instant deadline, Instant started, boolean reopen) implements Stage {
    }

    /** A leader whose publisher broke opens a new one, still claiming its term. */
    private record Reopening(CompletableFuture<EventPublisher> publisher, Instant deadline, Instant started,
            String reason) implements Stage {
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
    private volatile boolean claiming;
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

    /**
     * Whether this instance announces itself as the leader: while it leads, and while it re-opens its publisher
     * after the old one broke (then it does not decide).
     */
    boolean claimsLeadership() {
        return claiming;
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
        if (claiming && !leading) {
            return "this instance leads but is re-opening its publisher";
        }
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
            if (confirmed instanceof LeaderElection.Follow follow && follow.leaderId() == null) {
                // Not judged yet (the control stream is not confirmed caught up): wait, within the deadline.
                return expired(now, confirming.deadline(), "judge the election after reading placement-control")
                        ? new Standby() : stage;
            }
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
            // A query the broker does not answer throws: abandon() closes the publisher, which this stage holds.
            return new CatchingUp(opening.lead(), publisher, inputs.assignmentEndOffsets(),
                    now.plus(takeoverTimeout), opening.started(), false);
        }
        if (stage instanceof Reopening reopening) {
            return reopen(now, reopening);
        }
        if (stage instanceof CatchingUp catching) {
            if (catching.reopen() && election.evaluate(now, true, term) instanceof LeaderElection.StepDown down) {
                stepDown(down.reason());
                return new Standby();
            }
            if (!inputs.reached(catching.end())) {
                if (expired(now, catching.deadline(), "read role-assignments to its end")) {
                    channel.close(catching.publisher());
                    if (catching.reopen()) {
                        giveUpClaim("could not read role-assignments to its end with the new publisher");
                    }
                    return new Standby();
                }
                return stage;
            }
            term = catching.lead().term();
            leading = true;
            claiming = true;
            following = new LeaderElection.Follow(instanceId, term, null);
            if (catching.reopen()) {
                LOG.info("Instance {} leads on in term {} with a new publisher, {} ms after the old one broke",
                        instanceId, term, Duration.between(catching.started(), now).toMillis());
            } else {
                metrics.takeovers.increment();
                LOG.info("Instance {} leads in term {} ({}); took over in {} ms", instanceId, term,
                        catching.lead().reason(), Duration.between(catching.started(), now).toMillis());
            }
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
        if (stage instanceof Reopening || stage instanceof CatchingUp catching && catching.reopen()) {
            return; // tried again next round, within the claim's deadline
        }
        if (stage instanceof Opening opening) {
            closeWhenOpened(opening.publisher());
        } else if (stage instanceof CatchingUp catching) {
            channel.close(catching.publisher());
        }
        if (!(stage instanceof Leading)) {
            stage = new Standby();
        }
    }

    /**
     * The leader's publisher broke on its own (a commit that timed out while the broker was away, an abort that
     * failed): it cannot commit again, but no newer leader exists. Rather than stepping down and waiting for an
     * election, the instance keeps claiming its term and opens a new publisher, whose initialisation completes or
     * aborts what the old one left open; it reads role-assignments to their end again before deciding, so a round
     * the old publisher did commit after all is not decided twice. A newer leader seen meanwhile, or a publisher that
     * cannot be opened within {@link #REOPEN_WINDOW}, ends the claim.
     */
    void reopen(String reason, Instant now) {
        if (stage instanceof Leading lead) {
            channel.close(lead.publisher());
            leading = false;
            LOG.warn("Instance {} goes on leading in term {} with a new publisher: {}", instanceId, term, reason);
            stage = new Reopening(channel.open(), now.plus(REOPEN_WINDOW), now, reason);
        }
    }

    private Stage reopen(Instant now, Reopening reopening) {
        if (election.evaluate(now, true, term) instanceof LeaderElection.StepDown down) {
            stepDown(down.reason());
            return new Standby();
        }
        boolean late = now.isAfter(reopening.deadline());
        if (!reopening.publisher().isDone()) {
            if (late) {
                closeWhenOpened(reopening.publisher());
                giveUpClaim("could not open a new publisher within " + REOPEN_WINDOW.toSeconds() + " s");
                return new Standby();
            }
            return reopening;
        }
        EventPublisher publisher;
        try {
            publisher = reopening.publisher().join();
        } catch (RuntimeException e) {
            if (late) {
                giveUpClaim("could not open a new publisher: " + (e.getCause() == null ? e : e.getCause()));
                return new Standby();
            }
            // The broker is not back yet: try again.
            return new Reopening(channel.open(), reopening.deadline(), reopening.started(), reopening.reason());
        }
        try {
            return new CatchingUp(new LeaderElection.Lead(term, reopening.reason()), publisher,
                    inputs.assignmentEndOffsets(), now.plus(takeoverTimeout), reopening.started(), true);
        } catch (KafkaException e) {
            return reopening; // asked again next round, with the publisher already open
        }
    }

    private void giveUpClaim(String reason) {
        claiming = false;
        following = new LeaderElection.Follow(null, election.highestTerm(), null);
        metrics.stepDowns.increment();
        LOG.warn("Instance {} steps down from term {}: {}", instanceId, term, reason);
    }

    /** Stops leading: the publisher is closed (after what it is still doing); the election decides again. */
    void stepDown(String reason) {
        if (stage instanceof Leading lead) {
            channel.close(lead.publisher());
        } else if (stage instanceof Reopening reopening) {
            closeWhenOpened(reopening.publisher());
        } else if (stage instanceof CatchingUp catching && catching.reopen()) {
            channel.close(catching.publisher());
        } else {
            return;
        }
        leading = false;
        stage = new Standby();
        giveUpClaim(reason);
    }

    /** Closes whatever publisher this instance holds or is opening; the loop is stopping. */
    void close() {
        stepDown("the placement-service is stopping");
        if (stage instanceof Opening opening) {
            closeWhenOpened(opening.publisher());
        } else if (stage instanceof CatchingUp catching) {
            channel.close(catching.publisher());
        }
        stage = new Standby();
    }
}

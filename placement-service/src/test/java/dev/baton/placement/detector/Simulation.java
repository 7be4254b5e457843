package dev.baton.placement.detector;

import dev.baton.events.Heartbeat;
import dev.baton.events.ServerKind;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A heartbeat topic, agents that write to it and a placement loop that reads it, on simulated time. Every 50 ms
 * the loop polls (at most {@code batch} records), reports its progress as an adapter would and evaluates; agents
 * beat every 100 ms while alive. Pauses stop the loop, not the agents, so a backlog builds up.
 */
final class Simulation {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final long TICK_MS = 50;
    static final long BEAT_MS = 100;

    private record Alive(String serverId, String incarnation, long fromMs, long untilMs) {
    }

    private record Record(Heartbeat heartbeat, Instant timestamp) {
    }

    private final FailureDetector detector = new FailureDetector(TestTiming.detector(), T0);
    private final List<Alive> agents = new ArrayList<>();
    private final List<long[]> pauses = new ArrayList<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private final ArrayDeque<Record> topic = new ArrayDeque<>();
    private final List<String> log = new ArrayList<>();
    private int batch = Integer.MAX_VALUE;
    private long nextTick;
    private Evaluation last;

    static Instant t(long ms) {
        return T0.plusMillis(ms);
    }

    /** {@code serverId} with {@code incarnation} beats every 100 ms from {@code fromMs} to {@code untilMs}. */
    Simulation alive(String serverId, String incarnation, long fromMs, long untilMs) {
        agents.add(new Alive(serverId, incarnation, fromMs, untilMs));
        return this;
    }

    /** The placement loop neither polls nor evaluates in [fromMs, untilMs). */
    Simulation pause(long fromMs, long untilMs) {
        pauses.add(new long[] {fromMs, untilMs});
        return this;
    }

    /** At most this many records per poll. */
    Simulation batch(int maxRecordsPerPoll) {
        this.batch = maxRecordsPerPoll;
        return this;
    }

    Simulation runUntil(long untilMs) {
        for (; nextTick <= untilMs; nextTick += TICK_MS) {
            tick(nextTick);
        }
        return this;
    }

    /** Every transition as "evaluation-ms KIND server detail". */
    List<String> log() {
        return log;
    }

    Evaluation lastEvaluation() {
        return last;
    }

    private void tick(long ms) {
        if (ms % BEAT_MS == 0) {
            for (Alive agent : agents) {
                if (ms >= agent.fromMs() && ms <= agent.untilMs()) {
                    String key = agent.serverId() + "/" + agent.incarnation();
                    long sequence = sequences.merge(key, 1L, Long::sum) - 1;
                    Heartbeat heartbeat = new Heartbeat(UUID.randomUUID(), t(ms), agent.serverId(),
                            agent.incarnation(), sequence, agent.serverId() + ".example", ServerKind.EXPANSION,
                            List.of(), List.of());
                    topic.addLast(new Record(heartbeat, t(ms)));
                }
            }
        }
        for (long[] pause : pauses) {
            if (ms >= pause[0] && ms < pause[1]) {
                return;
            }
        }
        Instant lastRead = null;
        for (int i = 0; i < batch && !topic.isEmpty(); i++) {
            Record record = topic.removeFirst();
            detector.onHeartbeat(record.heartbeat(), record.timestamp());
            lastRead = record.timestamp();
        }
        if (topic.isEmpty()) {
            // The placement's own heartbeats on placement-control: the broker's clock ran up to now.
            detector.onStreamTick(t(ms));
            detector.onProgress(ConsumerProgress.caughtUp(t(ms)));
        } else if (lastRead != null) {
            detector.onProgress(ConsumerProgress.behind(lastRead));
        }
        last = detector.evaluate(t(ms));
        for (ServerTransition transition : last.transitions()) {
            log.add(ms + " " + describe(transition));
        }
    }

    static String describe(ServerTransition transition) {
        if (transition instanceof ServerTransition.Joined joined) {
            return "JOINED " + joined.serverId() + " " + joined.incarnation();
        }
        if (transition instanceof ServerTransition.Up up) {
            return "UP " + up.serverId();
        }
        ServerTransition.Down down = (ServerTransition.Down) transition;
        return "DOWN " + down.serverId() + ": " + down.cause();
    }
}

package dev.baton.placement.detector;

import dev.baton.events.DatabaseReach;
import dev.baton.events.Heartbeat;
import dev.baton.events.HostedRole;
import dev.baton.events.ServerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides which servers are UP and which are DOWN from their heartbeats. A plain object: it is fed heartbeats and
 * consumer progress, asked to {@link #evaluate} at a time passed in, and never reads a clock, sleeps or does I/O.
 * Not thread-safe: confine it to the placement loop's thread.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A server is UP from its first heartbeat and DOWN when no heartbeat from it has been <em>read</em> for
 *       {@link DetectorConfig#failureTimeout()}. Silence is measured on the heartbeat stream's clock: from the
 *       record timestamp of its last heartbeat to how far the consumer has read ({@link ConsumerProgress}),
 *       capped at {@code now}. So after a pause of the placement-service (GC, CPU starvation, a slow poll) the
 *       backlog is read first, and a server whose heartbeats are in the backlog stays UP; a server that went
 *       silent during the pause is declared DOWN once the backlog shows the silence.</li>
 *   <li><b>The stream's own silence is not a server's.</b> The detector never judges further than half a heartbeat
 *       interval past the newest broker timestamp it has read on the stream (heartbeats, and the placement
 *       instances' own heartbeats fed through {@link #onStreamTick}). While the broker is paused, restarting or
 *       unreachable from the placement, that timestamp stands still and no server can be judged DOWN, however long
 *       the wall clock runs. When the stream resumes after a gap of more than two heartbeat intervals in which
 *       nothing at all was appended, the gap is a {@link StreamGap}: every server's silence is counted from the
 *       gap's end, so each gets a full failure timeout to be heard again. A server is therefore declared DOWN only
 *       when the broker demonstrably appended other records while that server stayed silent.</li>
 *   <li><b>Safety brake.</b> When more than half of the servers heard from (and at least two) are silent for the
 *       timeout in the same evaluation, nobody is declared DOWN: see {@link SafetyBrake}.</li>
 *   <li>Without any progress report nothing is ever declared DOWN: a consumer that stops reporting makes the
 *       detector blind, never trigger-happy. Watch {@code evaluatedAt - horizon} of the view.</li>
 *   <li>If {@code evaluate} is called more than {@link DetectorConfig#maxEvaluationGap()} after the previous call,
 *       the loop itself stalled: that round declares nothing DOWN, so that the consumer gets one poll to catch
 *       up first.</li>
 *   <li>Each DOWN is reported once; the next accepted heartbeat of the same incarnation reports {@code Up}, the
 *       first heartbeat of a new incarnation reports {@code Joined}.</li>
 *   <li>A new incarnation (agent restart) voids what the previous one reported: hosted roles and database
 *       reachability are replaced, and heartbeats of a replaced incarnation are ignored from then on. Within an
 *       incarnation only increasing sequence numbers are accepted: duplicates and reordered heartbeats are
 *       ignored.</li>
 *   <li>Maintenance is an operator flag, independent of liveness: a server in maintenance is in state
 *       MAINTENANCE whether it heartbeats or not.</li>
 * </ul>
 *
 * <h2>Driving it</h2>
 * <pre>{@code
 * FailureDetector detector = new FailureDetector(DetectorConfig.defaults(), clock.instant());
 * // consumer loop, every poll (also an empty one):
 * for (record : records) detector.onHeartbeat(decode(record), Instant.ofEpochMilli(record.timestamp()));
 * detector.onProgress(progressOf(poll));                  // see ConsumerProgress
 * // placement loop, every evaluationInterval, same thread:
 * Evaluation evaluation = detector.evaluate(clock.instant());
 * publish(evaluation.transitions());                      // ServerTransition.toEvent(...)
 * if (evaluation.view().ready()) decide(evaluation.view());
 * }</pre>
 * Clock skew between the broker (record timestamps) and the placement host ({@code now}) shifts detection by the
 * skew; with NTP it is negligible against the timeout.
 */
public final class FailureDetector {
    /** Replaced incarnations remembered per server, to ignore their late heartbeats. */
    private static final int RETIRED_INCARNATIONS_KEPT = 16;

    private final DetectorConfig config;
    private final Instant startedAt;
    private final Map<String, Tracked> servers = new TreeMap<>();
    private final Map<String, Maintenance> maintenance = new TreeMap<>();
    private final List<ServerTransition> pending = new ArrayList<>();
    private Instant horizon;
    private boolean caughtUpOnce;
    private Instant lastEvaluation;
    /** The newest broker timestamp read on the stream: how far the broker's clock is known to have run. */
    private Instant streamClock;
    private StreamGap lastGap;
    private final SafetyBrake brake = new SafetyBrake();

    /**
     * @param startedAt when this detector starts watching; it is {@link ClusterView#ready() ready} once the stream
     *     has been read for the failure timeout past this instant
     */
    public FailureDetector(DetectorConfig config, Instant startedAt) {
        this.config = Objects.requireNonNull(config, "config");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    public DetectorConfig config() {
        return config;
    }

    /**
     * Feeds one heartbeat in the order the consumer read it.
     *
     * @param recordTimestamp the Kafka record timestamp (preferably broker append time): liveness is judged from it
     */
    public HeartbeatOutcome onHeartbeat(Heartbeat heartbeat, Instant recordTimestamp) {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(recordTimestamp, "recordTimestamp");
        onStreamTick(recordTimestamp);
        Tracked server = servers.get(heartbeat.serverId());
        if (server == null) {
            server = new Tracked(heartbeat.serverId());
            servers.put(heartbeat.serverId(), server);
            server.startIncarnation(heartbeat, recordTimestamp);
            pending.add(new ServerTransition.Joined(heartbeat.serverId(), heartbeat.incarnation(), null,
                    heartbeat.host(), heartbeat.kind(), recordTimestamp));
            return HeartbeatOutcome.ACCEPTED;
        }
        if (!server.incarnation.equals(heartbeat.incarnation())) {
            if (server.retired.contains(heartbeat.incarnation())) {
                return HeartbeatOutcome.STALE_INCARNATION;
            }
            String previous = server.incarnation;
            server.retire(previous);
            server.startIncarnation(heartbeat, recordTimestamp);
            pending.add(new ServerTransition.Joined(heartbeat.serverId(), heartbeat.incarnation(), previous,
                    heartbeat.host(), heartbeat.kind(), recordTimestamp));
            return HeartbeatOutcome.ACCEPTED;
        }
        if (heartbeat.sequence() == server.lastSequence) {
            return HeartbeatOutcome.DUPLICATE;
        }
        if (heartbeat.sequence() < server.lastSequence) {
            return HeartbeatOutcome.OUT_OF_ORDER;
        }
        if (!server.alive) {
            pending.add(new ServerTransition.Up(server.serverId, heartbeat.incarnation(), heartbeat.host(),
                    recordTimestamp, server.downSince));
            server.alive = true;
            server.aliveSince = recordTimestamp;
            server.downSince = null;
            server.downCause = null;
        }
        server.update(heartbeat, recordTimestamp);
        return HeartbeatOutcome.ACCEPTED;
    }

    /**
     * A record of the heartbeat stream that is not a server's heartbeat (a placement instance's heartbeat on
     * placement-control, appended by the same broker every heartbeat interval): proof that the broker's clock ran
     * until {@code recordTimestamp}. Heartbeats count by themselves.
     */
    public void onStreamTick(Instant recordTimestamp) {
        Objects.requireNonNull(recordTimestamp, "recordTimestamp");
        if (streamClock == null) {
            streamClock = recordTimestamp;
            return;
        }
        if (!recordTimestamp.isAfter(streamClock)) {
            return;
        }
        Duration silent = Duration.between(streamClock, recordTimestamp);
        if (silent.compareTo(streamGapLimit()) > 0) {
            lastGap = new StreamGap(streamClock, recordTimestamp);
        }
        streamClock = recordTimestamp;
    }

    /** The latest interval in which the broker appended nothing on the stream, or null when none was seen. */
    public StreamGap lastStreamGap() {
        return lastGap;
    }

    /** Reports how far the consumer has read; call after every poll. The read position never moves back. */
    public void onProgress(ConsumerProgress progress) {
        Objects.requireNonNull(progress, "progress");
        if (horizon == null || progress.readThrough().isAfter(horizon)) {
            horizon = progress.readThrough();
        }
        caughtUpOnce |= progress.caughtUp();
    }

    /** An operator put the server in scheduled downtime at {@code at}. The server need not be known yet. */
    public void startMaintenance(String serverId, Instant at) {
        maintenance.put(Objects.requireNonNull(serverId, "serverId"), new Maintenance(true, at));
    }

    /** An operator ended the server's scheduled downtime; the failback stabilization delay counts from {@code at}. */
    public void endMaintenance(String serverId, Instant at) {
        maintenance.put(Objects.requireNonNull(serverId, "serverId"), new Maintenance(false, at));
    }

    /** Drops a decommissioned server and its maintenance flag; a later heartbeat makes it join again. */
    public void forget(String serverId) {
        servers.remove(serverId);
        maintenance.remove(serverId);
    }

    /**
     * Judges silence at {@code now} and returns the transitions found since the previous call with the current
     * view. Call it every {@link DetectorConfig#evaluationInterval()}.
     */
    public Evaluation evaluate(Instant now) {
        Objects.requireNonNull(now, "now");
        String deferredBecause = null;
        if (lastEvaluation != null
                && Duration.between(lastEvaluation, now).compareTo(config.maxEvaluationGap()) > 0) {
            deferredBecause = "evaluation loop late: " + Duration.between(lastEvaluation, now).toMillis()
                    + " ms since the previous evaluation (limit " + config.maxEvaluationGap().toMillis()
                    + " ms); judging deferred one round";
        } else if (horizon == null) {
            deferredBecause = "no consumer progress reported yet";
        }
        lastEvaluation = now;
        if (deferredBecause == null) {
            Instant readTo = horizon.isAfter(now) ? now : horizon;
            // Never further than the broker's clock is known to have run: a silent stream proves nothing.
            Instant streamBound = streamClock == null ? null : streamClock.plus(config.heartbeatInterval().dividedBy(2));
            if (streamBound == null || streamBound.isBefore(readTo)) {
                readTo = streamBound;
            }
            if (readTo != null) {
                judgeAll(readTo, now);
            }
        }
        Instant flapCutoff = now.minus(config.flapWindow());
        List<ServerView> views = new ArrayList<>(servers.size());
        for (Tracked server : servers.values()) {
            while (!server.downs.isEmpty() && !server.downs.peekFirst().isAfter(flapCutoff)) {
                server.downs.removeFirst();
            }
            views.add(server.view(maintenance.get(server.serverId), config.flapThreshold()));
        }
        boolean ready = caughtUpOnce && horizon != null
                && !horizon.isBefore(startedAt.plus(config.failureTimeout()));
        List<ServerTransition> transitions = List.copyOf(pending);
        pending.clear();
        return new Evaluation(now, transitions, new ClusterView(now, ready, horizon, views, brake.engaged()),
                deferredBecause);
    }

    /** Declares the silent servers DOWN, unless so many fell silent at once that the safety brake holds. */
    private void judgeAll(Instant readTo, Instant now) {
        List<Tracked> silent = new ArrayList<>();
        int heard = 0;
        for (Tracked server : servers.values()) {
            if (server.alive) {
                heard++;
                if (silence(server, readTo).compareTo(config.failureTimeout()) >= 0) {
                    silent.add(server);
                }
            }
        }
        switch (brake.judge(silent.stream().map(t -> t.serverId).toList(), heard, now)) {
            case DECLARE -> silent.forEach(server -> declareDown(server, silence(server, readTo), now));
            case RELEASED -> servers.values().forEach(server -> server.creditedFrom = readTo);
            case HOLD -> {
            }
        }
    }

    /** How long {@code server} has been silent at {@code readTo}, not counting the broker's or the brake's time. */
    private Duration silence(Tracked server, Instant readTo) {
        Instant from = server.lastRecordAt;
        // Silence inside a stream-wide gap is the broker's, not the server's: count from the gap's end.
        if (lastGap != null && lastGap.to().isAfter(from)) {
            from = lastGap.to();
        }
        // Silence while the safety brake held is not counted either: a full timeout from its release.
        if (server.creditedFrom != null && server.creditedFrom.isAfter(from)) {
            from = server.creditedFrom;
        }
        return Duration.between(from, readTo);
    }

    /** The safety brake: on when many servers fell silent at once; an operator may {@link SafetyBrake#override}. */
    public SafetyBrake safetyBrake() {
        return brake;
    }

    private void declareDown(Tracked server, Duration silence, Instant now) {
        String cause = "no heartbeat for " + silence.toMillis() + " ms (timeout "
                + config.failureTimeout().toMillis() + " ms)";
        server.alive = false;
        server.aliveSince = null;
        server.downSince = now;
        server.downCause = cause;
        server.downs.addLast(now);
        pending.add(new ServerTransition.Down(server.serverId, server.incarnation, server.lastSentAt,
                server.lastRecordAt, now, silence, cause));
    }

    /** A gap in the stream longer than this is the broker's silence (two heartbeat intervals). */
    private Duration streamGapLimit() {
        return config.heartbeatInterval().multipliedBy(2);
    }

    /** An operator's maintenance flag: on since {@code at}, or ended at {@code at}. */
    private record Maintenance(boolean on, Instant at) {
    }

    /** Mutable per-server state; only the detector touches it. */
    private static final class Tracked {
        final String serverId;
        final ArrayDeque<String> retired = new ArrayDeque<>();
        final ArrayDeque<Instant> downs = new ArrayDeque<>();
        String incarnation;
        long lastSequence;
        String host;
        ServerKind kind;
        Instant lastSentAt;
        Instant lastRecordAt;
        /** Silence is counted from here at the earliest: when the safety brake was released. */
        Instant creditedFrom;
        boolean alive;
        Instant aliveSince;
        Instant downSince;
        String downCause;
        List<ReportedRole> roles = List.of();
        List<ReportedDatabase> databases = List.of();

        Tracked(String serverId) {
            this.serverId = serverId;
        }

        void retire(String old) {
            retired.addLast(old);
            if (retired.size() > RETIRED_INCARNATIONS_KEPT) {
                retired.removeFirst();
            }
        }

        void startIncarnation(Heartbeat heartbeat, Instant recordAt) {
            incarnation = heartbeat.incarnation();
            // What the previous incarnation reported is void: nothing carries over, not even "since".
            roles = List.of();
            databases = List.of();
            lastRecordAt = null;
            alive = true;
            aliveSince = recordAt;
            downSince = null;
            downCause = null;
            update(heartbeat, recordAt);
        }

        void update(Heartbeat heartbeat, Instant recordAt) {
            lastSequence = heartbeat.sequence();
            host = heartbeat.host();
            kind = heartbeat.kind();
            lastSentAt = heartbeat.occurredAt();
            if (lastRecordAt == null || recordAt.isAfter(lastRecordAt)) {
                lastRecordAt = recordAt;
            }
            roles = reportedRoles(heartbeat.roles(), recordAt);
            databases = reportedDatabases(heartbeat.databases(), recordAt);
        }

        private List<ReportedRole> reportedRoles(List<HostedRole> hosted, Instant recordAt) {
            List<HostedRole> sorted = SortedById.sorted(hosted, HostedRole::roleId);
            List<ReportedRole> result = new ArrayList<>(sorted.size());
            for (HostedRole role : sorted) {
                ReportedRole before = SortedById.find(roles, ReportedRole::roleId, role.roleId());
                boolean unchanged = before != null && before.epoch() == role.epoch() && before.state() == role.state();
                result.add(new ReportedRole(role.roleId(), role.epoch(), role.state(), role.endpoint(),
                        unchanged ? before.since() : recordAt));
            }
            return List.copyOf(result);
        }

        private List<ReportedDatabase> reportedDatabases(List<DatabaseReach> reach, Instant recordAt) {
            List<DatabaseReach> sorted = SortedById.sorted(reach, DatabaseReach::roleId);
            List<ReportedDatabase> result = new ArrayList<>(sorted.size());
            for (DatabaseReach database : sorted) {
                ReportedDatabase before = SortedById.find(databases, ReportedDatabase::roleId, database.roleId());
                boolean unchanged = before != null && before.reachable() == database.reachable();
                result.add(new ReportedDatabase(database.roleId(), database.reachable(),
                        unchanged ? before.since() : recordAt));
            }
            return List.copyOf(result);
        }

        ServerView view(Maintenance flag, int flapThreshold) {
            boolean inMaintenance = flag != null && flag.on();
            ServerState state = inMaintenance ? ServerState.MAINTENANCE : alive ? ServerState.UP : ServerState.DOWN;
            Instant upSince = null;
            if (state == ServerState.UP) {
                upSince = flag != null && flag.at().isAfter(aliveSince) ? flag.at() : aliveSince;
            }
            return new ServerView(serverId, state, alive, incarnation, host, kind, lastSequence, lastSentAt,
                    lastRecordAt, upSince, downSince, downCause, downs.size(), downs.size() > flapThreshold,
                    roles, databases);
        }
    }
}

package dev.baton.placement.detector;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Holds failovers when a large share of the servers falls silent at once: more than half of the servers heard from,
 * and at least {@value #MIN_SERVERS}. Servers rarely die together; a broker (or the leader of some heartbeat
 * partitions) pausing, or the placement losing its own network, silences many at once. So the detector then
 * suspects the broker or itself, declares nobody DOWN and says so, until enough heartbeats return — then the
 * servers still silent get a full failure timeout from that moment — or an operator overrides it, which declares
 * the silent servers DOWN at once. Pure; driven by {@link FailureDetector}.
 */
public final class SafetyBrake {
    /** Fewer silent servers than this never engage the brake: one server dying is an ordinary failover. */
    public static final int MIN_SERVERS = 2;

    /** The brake is on since {@code since}: {@code silent} of {@code heard} servers fell silent together. */
    public record Engaged(Instant since, List<String> silent, int heard) {
        public Engaged {
            Objects.requireNonNull(since, "since");
            silent = List.copyOf(silent);
        }

        /** One readable line for logs, health and role states. */
        public String describe() {
            return silent.size() + " of " + heard + " servers fell silent at once (" + String.join(", ", silent)
                    + "): suspecting the broker or the placement itself, failovers held since " + since
                    + " until heartbeats return or an operator releases the brake";
        }
    }

    /** What the detector may do with this round's silent servers. */
    enum Verdict {
        /** Declare them DOWN as usual. */
        DECLARE,
        /** Declare nobody DOWN: the brake is on. */
        HOLD,
        /** Heartbeats returned: the brake is off; count every server's silence afresh from now. */
        RELEASED
    }

    private Engaged engaged;
    private boolean overrideRequested;

    /** An operator's override: the next evaluation releases the brake and declares the silent servers DOWN. */
    public void override() {
        overrideRequested = true;
    }

    /** The brake, when it is on. */
    public Engaged engaged() {
        return engaged;
    }

    Verdict judge(List<String> silent, int heard, Instant now) {
        if (overrideRequested) {
            overrideRequested = false;
            engaged = null;
            return Verdict.DECLARE;
        }
        boolean mass = silent.size() >= MIN_SERVERS && silent.size() * 2 > heard;
        if (mass) {
            if (engaged == null) {
                engaged = new Engaged(now, silent, heard);
            }
            return Verdict.HOLD;
        }
        if (engaged != null) {
            engaged = null;
            return Verdict.RELEASED;
        }
        return Verdict.DECLARE;
    }
}

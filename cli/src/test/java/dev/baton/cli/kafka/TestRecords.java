package dev.baton.cli.kafka;

import dev.baton.events.EventCodec;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import java.time.Instant;
import java.util.UUID;

/** Records for the tail tests. */
public final class TestRecords {
    public static final Instant AT = Instant.parse("2026-11-25T10:01:02.345Z");
    private static final EventCodec CODEC = new EventCodec();

    private TestRecords() {
    }

    /** A RoleMoved of billing from server-a to server-b (FAILOVER) at {@code epoch}, read from {@code topic}. */
    public static SourceRecord roleMoved(String topic, long epoch) {
        RoleMoved moved = new RoleMoved(UUID.randomUUID(), AT, "billing", epoch, "server-a", "server-b",
                MoveReason.FAILOVER, "server-a DOWN: no heartbeat for 812 ms", AT, AT);
        return new SourceRecord(topic, 0, epoch, AT, "billing", CODEC.encode(moved));
    }
}

package dev.baton.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.cli.CliException;
import dev.baton.events.EventCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTailTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final Instant AT = TestRecords.AT;

    private final FakeEventSource source = new FakeEventSource();
    private final StringWriter out = new StringWriter();

    private static SourceRecord moved(long epoch) {
        return TestRecords.roleMoved("baton.role-events", epoch);
    }

    private EventTail tail(boolean json) {
        return new EventTail(source, CODEC, new PrintWriter(out, true), json, "baton", source.clock());
    }

    @Test
    void shouldPrintOneReadableLinePerEventAndStopAfterMax() {
        source.batch(moved(4), moved(5)).batch(moved(6));

        int printed = tail(false).run(2, null);

        assertThat(printed).isEqualTo(2);
        assertThat(out.toString()).isEqualTo(
                "2026-11-25T10:01:02.345Z role-events RoleMoved billing epoch=4 server-a -> server-b FAILOVER "
                        + "(server-a DOWN: no heartbeat for 812 ms)\n"
                        + "2026-11-25T10:01:02.345Z role-events RoleMoved billing epoch=5 server-a -> server-b FAILOVER "
                        + "(server-a DOWN: no heartbeat for 812 ms)\n");
    }

    @Test
    void shouldPrintRawValuesWithJson() {
        SourceRecord record = moved(4);
        source.batch(record);

        tail(true).run(1, null);

        assertThat(out.toString()).isEqualTo(new String(record.value(), StandardCharsets.UTF_8) + "\n");
    }

    @Test
    void shouldShowWhyARecordIsNoEvent() {
        source.batch(new SourceRecord("baton.role-events", 2, 7, AT, "billing",
                "{\"type\":\"RoleDeleted\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8)),
                new SourceRecord("baton.config-events", 0, 1, AT, "billing", null));

        tail(false).run(2, Duration.ofSeconds(1));

        assertThat(out.toString()).isEqualTo(
                "2026-11-25T10:01:02.345Z role-events ? billing undecodable: unknown event type 'RoleDeleted'\n"
                        + "2026-11-25T10:01:02.345Z config-events ? billing undecodable: tombstone (no value)\n");
    }

    @Test
    void shouldStopAtTheTimeoutWithoutMax() {
        source.batch(moved(4));

        int printed = tail(false).run(null, Duration.ofSeconds(3));

        assertThat(printed).isEqualTo(1);
        // 3 s of polls of at most 200 ms each, the first one answered at once.
        assertThat(source.polls()).isEqualTo(16);
    }

    @Test
    void shouldFailWhenTheTimeoutEndsTheWaitForMaxEvents() {
        source.batch(moved(4));

        assertThatThrownBy(() -> tail(false).run(3, Duration.ofSeconds(10)))
                .isInstanceOf(CliException.class)
                .hasMessage("1 of 3 events within 10 s");
        assertThat(out.toString()).contains("epoch=4");
    }

    @Test
    void shouldStopWhenWokenUp() {
        source.batch(moved(4));
        source.wakeup();

        assertThat(tail(false).run(5, null)).isZero();
    }
}

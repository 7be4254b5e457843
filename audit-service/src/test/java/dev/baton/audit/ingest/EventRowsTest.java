package dev.baton.audit.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.audit.Samples;
import dev.baton.events.BatonEvent;
import dev.baton.events.DeadLetter;
import dev.baton.events.EventCodec;
import dev.baton.events.MoveReason;
import dev.baton.events.RoleMoved;
import dev.baton.events.RoleState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventRowsTest {
    private static final Instant AT = Instant.parse("2024-05-01T10:00:00.123456789Z");
    private final EventCodec codec = new EventCodec();
    private final EventRows rows = new EventRows(codec, "audit-service");
    private final ObjectMapper mapper = new ObjectMapper();

    private RawRecord record(BatonEvent event, long offset) {
        return new RawRecord("baton.role-events", 2, offset, 1_700_000_000_000L, event.key(), codec.encode(event));
    }

    private RawRecord raw(String value, long offset) {
        return new RawRecord("baton.role-events", 1, offset, 1_700_000_000_000L, "role-x",
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldStoreARoleMovedUnderItsIdWithTheNewHostAsServer() {
        RoleMoved moved = Samples.moved("role-1", 7, "srv-a", "srv-b", MoveReason.FAILOVER, AT, AT, AT);

        StoredEvent row = rows.toRow(record(moved, 12));

        assertThat(row.eventId()).isEqualTo(moved.eventId());
        assertThat(row.type()).isEqualTo("RoleMoved");
        assertThat(row.roleId()).isEqualTo("role-1");
        assertThat(row.serverId()).isEqualTo("srv-b");
        assertThat(row.epoch()).isEqualTo(7L);
        assertThat(row.topic()).isEqualTo("baton.role-events");
        assertThat(row.partition()).isEqualTo(2);
        assertThat(row.offset()).isEqualTo(12);
        assertThat(row.key()).isEqualTo("role-1");
        assertThat(row.occurredAt()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123456Z"));
        assertThat(row.payload()).isEqualTo(new String(codec.encode(moved), StandardCharsets.UTF_8));
    }

    @Test
    void shouldExtractRoleServerAndEpochByEventKind() {
        assertThat(EventRows.columnsOf(Samples.state("r", "s", 3, RoleState.RUNNING, AT)))
                .isEqualTo(new EventRows.Columns("r", "s", 3L));
        assertThat(EventRows.columnsOf(Samples.unplaced("r", 4, AT))).isEqualTo(new EventRows.Columns("r", null, 4L));
        assertThat(EventRows.columnsOf(Samples.down("s", AT))).isEqualTo(new EventRows.Columns(null, "s", null));
        assertThat(EventRows.columnsOf(Samples.up("s", AT))).isEqualTo(new EventRows.Columns(null, "s", null));
        assertThat(EventRows.columnsOf(Samples.maintenance("s", AT))).isEqualTo(new EventRows.Columns(null, "s", null));
        assertThat(EventRows.columnsOf(Samples.reconnected("r", 5, 1, AT))).isEqualTo(new EventRows.Columns("r", null, 5L));
        assertThat(EventRows.columnsOf(Samples.reconnectFailed("r", 6, AT)))
                .isEqualTo(new EventRows.Columns("r", null, 6L));
        assertThat(EventRows.columnsOf(Samples.configured("r", List.of("s"), AT)))
                .isEqualTo(new EventRows.Columns("r", null, null));
        assertThat(EventRows.columnsOf(Samples.deadLetter(AT))).isEqualTo(new EventRows.Columns(null, null, null));
    }

    @Test
    void shouldKeepFieldsThisBuildDoesNotKnowInThePayload() throws Exception {
        RoleMoved moved = Samples.moved("role-1", 1, null, "srv-b", MoveReason.INITIAL, null, AT, AT);
        String json = new String(codec.encode(moved), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"futureField\":[1,2],");

        StoredEvent row = rows.toRow(raw(json, 3));

        assertThat(row.type()).isEqualTo("RoleMoved");
        assertThat(mapper.readTree(row.payload()).get("futureField").toString()).isEqualTo("[1,2]");
    }

    @Test
    void shouldStoreMalformedJsonAsADeadLetterWithTheReasonAndTheRawText() throws Exception {
        StoredEvent row = rows.toRow(raw("{\"type\":\"RoleMoved\",", 5));

        assertThat(row.type()).isEqualTo("DeadLetter");
        assertThat(row.roleId()).isNull();
        assertThat(row.offset()).isEqualTo(5);
        assertThat(row.occurredAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        DeadLetter letter = codec.decode(row.payload().getBytes(StandardCharsets.UTF_8), DeadLetter.class);
        assertThat(letter.reason()).startsWith("malformed JSON");
        assertThat(letter.payload()).isEqualTo("{\"type\":\"RoleMoved\",");
        assertThat(letter.sourceTopic()).isEqualTo("baton.role-events");
        assertThat(letter.sourcePartition()).isEqualTo(1);
        assertThat(letter.sourceOffset()).isEqualTo(5);
        assertThat(letter.key()).isEqualTo("role-x");
        assertThat(letter.rejectedBy()).isEqualTo("audit-service");
        assertThat(mapper.readTree(row.payload()).has(EventRows.RAW_JSON_FIELD)).isFalse();
    }

    @Test
    void shouldKeepAnUnknownEventAsQueryableJsonInItsDeadLetter() throws Exception {
        StoredEvent row = rows.toRow(raw("{\"type\":\"RoleTeleported\",\"schemaVersion\":1,\"roleId\":\"r\"}", 6));

        assertThat(row.type()).isEqualTo("DeadLetter");
        JsonNode payload = mapper.readTree(row.payload());
        assertThat(payload.get("reason").asText()).contains("unknown event type 'RoleTeleported'");
        assertThat(payload.get(EventRows.RAW_JSON_FIELD).get("roleId").asText()).isEqualTo("r");
    }

    @Test
    void shouldKeepBytesThatAreNotUtf8InBase64() throws Exception {
        byte[] value = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        StoredEvent row = rows.toRow(new RawRecord("baton.proxy-events", 0, 9, 1_700_000_000_000L, null, value));

        JsonNode payload = mapper.readTree(row.payload());
        assertThat(payload.get("payloadBase64").asText()).isEqualTo("//4AQQ==");
        assertThat(payload.has("payload")).isFalse();
        assertThat(row.key()).isNull();
    }

    @Test
    void shouldStoreATombstoneAsADeadLetter() {
        StoredEvent row = rows.toRow(raw(null, 10));

        assertThat(row.type()).isEqualTo("DeadLetter");
        assertThat(row.payload()).contains("empty record value");
    }

    @Test
    void shouldGiveARedeliveredUndecodableRecordTheSameIdAndAnotherRecordAnother() {
        UUID first = rows.toRow(raw("garbage", 11)).eventId();

        assertThat(rows.toRow(raw("garbage", 11)).eventId()).isEqualTo(first);
        assertThat(rows.toRow(raw("garbage", 12)).eventId()).isNotEqualTo(first);
        assertThat(rows.toRow(new RawRecord("baton.role-events", 1, 11, 1_700_000_000_001L, "role-x",
                "garbage".getBytes(StandardCharsets.UTF_8))).eventId()).isNotEqualTo(first);
    }

    @Test
    void shouldStoreAnUndecodableRecordUnderTheIdOfTheDeadLetterAnyOtherReaderPublishedForIt() {
        RawRecord record = raw("garbage", 11);

        StoredEvent row = rows.toRow(record);

        assertThat(row.eventId()).isEqualTo(DeadLetter.idFor(record.topic(), record.partition(), record.offset(),
                record.timestamp()));
    }

    @Test
    void shouldReplaceNulCharactersThatPostgresRefuses() throws Exception {
        RoleMoved moved = new RoleMoved(UUID.randomUUID(), AT, "role-1", 2, "srv-a", "srv-b", MoveReason.MANUAL,
                "because\u0000of", null, AT);
        StoredEvent row = rows.toRow(new RawRecord("t", 0, 1, 0, "ke\u0000y", codec.encode(moved)));

        assertThat(row.payload()).doesNotContain("\\u0000");
        assertThat(mapper.readTree(row.payload()).get("cause").asText()).isEqualTo("because\uFFFDof");
        assertThat(row.key()).isEqualTo("ke\uFFFDy");
        assertThat(row.type()).isEqualTo("RoleMoved");
    }

    @Test
    void shouldStoreAnEventWithAnInstantPostgresCannotHoldAsADeadLetterUnderItsId() {
        RoleMoved moved = Samples.moved("role-1", 1, null, "srv-b", MoveReason.INITIAL, null,
                Instant.parse("+12000-01-01T00:00:00Z"), AT);

        StoredEvent row = rows.toRow(record(moved, 4));

        assertThat(row.type()).isEqualTo("DeadLetter");
        assertThat(row.eventId()).isEqualTo(moved.eventId());
        assertThat(row.payload()).contains("decidedAt").contains("outside the years 1 to 9999");
    }

    @Test
    void shouldMakeADeadLetterOfARowPostgresRefusedKeepingItsIdAndPayload() {
        RoleMoved moved = Samples.moved("role-1", 1, null, "srv-b", MoveReason.INITIAL, null, AT, AT);
        StoredEvent row = rows.toRow(record(moved, 4));

        StoredEvent letter = rows.refused(row, "22P05 unsupported Unicode escape sequence");

        assertThat(letter.eventId()).isEqualTo(moved.eventId());
        assertThat(letter.type()).isEqualTo("DeadLetter");
        DeadLetter decoded = codec.decode(letter.payload().getBytes(StandardCharsets.UTF_8), DeadLetter.class);
        assertThat(decoded.reason()).isEqualTo("PostgreSQL refused the event: 22P05 unsupported Unicode escape sequence");
        assertThat(decoded.payload()).isEqualTo(row.payload());
    }
}

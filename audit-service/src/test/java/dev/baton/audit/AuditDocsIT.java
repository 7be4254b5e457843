package dev.baton.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.audit.ingest.EventRows;
import dev.baton.audit.ingest.RawRecord;
import dev.baton.audit.ingest.StoredEvent;
import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.testkit.PostgresExtension;
import dev.baton.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps docs/audit.md true: every {@code ```sql} block in it runs verbatim against a migrated database holding
 * a scripted failover and a dead letter, and returns at least one row.
 */
@ExtendWith(PostgresExtension.class)
class AuditDocsIT {
    private static final Path DOC = Path.of("..", "docs", "audit.md");
    private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);

    @Test
    void shouldRunEverySqlExampleOfTheDocumentationVerbatim(TestDatabase db) throws Exception {
        PostgresEventStore.migrate(db.dataSource());
        storeSampleData(db);
        List<String> examples = sqlBlocks();
        assertThat(examples).as("SQL examples in " + DOC).hasSizeGreaterThanOrEqualTo(8);

        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            connection.setReadOnly(true);
            for (String sql : examples) {
                assertThat(statement.execute(sql)).as("a query: " + sql).isTrue();
                try (ResultSet rows = statement.getResultSet()) {
                    assertThat(rows.next()).as("at least one row from:\n" + sql).isTrue();
                }
            }
        }
    }

    private static List<String> sqlBlocks() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher matcher = SQL_BLOCK.matcher(doc);
        List<String> blocks = new ArrayList<>();
        while (matcher.find()) {
            blocks.add(matcher.group(1).strip());
        }
        return blocks;
    }

    private static void storeSampleData(TestDatabase db) throws Exception {
        EventCodec codec = new EventCodec();
        EventRows rows = new EventRows(codec, "audit-service");
        Instant detected = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        List<BatonEvent> events = new ArrayList<>(Samples.scriptedFailover("role-1", detected));
        events.add(Samples.up("srv-1", detected.plusSeconds(300)));
        List<StoredEvent> batch = new ArrayList<>();
        long offset = 0;
        for (BatonEvent event : events) {
            batch.add(rows.toRow(new RawRecord(event.topic().topicName(), 0, offset++, detected.toEpochMilli(),
                    event.key(), codec.encode(event))));
        }
        batch.add(rows.toRow(new RawRecord("baton.role-events", 0, offset, detected.toEpochMilli(), "role-1",
                "{\"type\":\"RoleMoved\",".getBytes(StandardCharsets.UTF_8))));
        PostgresEventStore.StoreResult result = new PostgresEventStore(db.dataSource()).store(batch, rows, () -> { });
        assertThat(result.inserted()).isEqualTo(batch.size());
    }
}

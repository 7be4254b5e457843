package dev.baton.cli.kafka;

import dev.baton.cli.CliException;
import dev.baton.cli.format.EventLine;
import dev.baton.cli.format.Texts;
import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.events.EventDecodingException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The loop of {@code events tail}: prints one line per record until {@code max} records were printed, the
 * {@code timeout} ran out, or the source was woken up (Ctrl-C). Time comes from the clock it is given.
 */
public final class EventTail {
    /** The longest single poll, so a time-out or Ctrl-C is noticed promptly. */
    static final Duration MAX_POLL = Duration.ofMillis(200);

    private final EventSource source;
    private final EventCodec codec;
    private final PrintWriter out;
    private final boolean json;
    private final String namespace;
    private final Clock clock;

    /**
     * @param json print each record's value as it is (one JSON document per line) instead of a readable line
     * @param namespace stripped from topic names in readable lines
     */
    public EventTail(EventSource source, EventCodec codec, PrintWriter out, boolean json, String namespace,
            Clock clock) {
        this.source = source;
        this.codec = codec;
        this.out = out;
        this.json = json;
        this.namespace = namespace;
        this.clock = clock;
    }

    /**
     * Prints records until one of the limits is reached.
     *
     * @param max stop after this many records; null for no limit
     * @param timeout stop after this long; null for no limit
     * @return how many records were printed
     * @throws CliException when {@code timeout} ran out before {@code max} records came: a script waiting for
     *     events learns they did not come
     */
    public int run(Integer max, Duration timeout) {
        Instant deadline = timeout == null ? null : clock.instant().plus(timeout);
        int printed = 0;
        while (!source.stopped() && (max == null || printed < max)) {
            Duration wait = MAX_POLL;
            if (deadline != null) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                wait = left.compareTo(MAX_POLL) < 0 ? left : MAX_POLL;
            }
            for (SourceRecord record : source.poll(wait)) {
                if (max != null && printed >= max) {
                    break;
                }
                out.println(json ? raw(record) : line(record));
                printed++;
            }
            out.flush();
        }
        if (max != null && printed < max && !source.stopped()) {
            throw new CliException(printed + " of " + max + " event" + (max == 1 ? "" : "s") + " within "
                    + Texts.millis(timeout.toMillis()));
        }
        return printed;
    }

    private String raw(SourceRecord record) {
        return record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8);
    }

    /** The readable line of one record. */
    String line(SourceRecord record) {
        String topic = TopicSelection.shortName(record.topic(), namespace);
        if (record.value() == null) {
            return EventLine.undecodable(topic, record.timestamp(), record.key(), "tombstone (no value)");
        }
        try {
            BatonEvent event = codec.decode(record.value());
            return EventLine.of(topic, event);
        } catch (EventDecodingException e) {
            return EventLine.undecodable(topic, record.timestamp(), record.key(), e.getMessage());
        }
    }
}

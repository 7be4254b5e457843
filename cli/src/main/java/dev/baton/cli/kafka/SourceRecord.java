package dev.baton.cli.kafka;

import java.time.Instant;

/**
 * One record read from a Baton topic, as {@code events tail} needs it.
 *
 * @param topic the full topic name, e.g. {@code baton.role-events}
 * @param timestamp the record's Kafka timestamp
 * @param key the record key as text; null when it had none
 * @param value the record value; null for a tombstone
 */
public record SourceRecord(String topic, int partition, long offset, Instant timestamp, String key, byte[] value) {
}

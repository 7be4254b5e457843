package dev.baton.audit.ingest;

/**
 * One Kafka record as the audit store sees it, without Kafka types: where it was read, its timestamp, key and
 * value bytes. The value is null for a tombstone.
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, String key, byte[] value) {
}

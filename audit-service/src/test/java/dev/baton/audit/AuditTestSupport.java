package dev.baton.audit;

import dev.baton.events.BatonEvent;
import dev.baton.events.EventCodec;
import dev.baton.runtime.config.Config;
import dev.baton.testkit.TestKafka;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Starting the service against the test broker and a database, publishing in bulk, and calling its API. */
final class AuditTestSupport {
    static final String TOKEN = "it-token-0123456789abcdef";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final EventCodec CODEC = new EventCodec();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AuditTestSupport() {
    }

    /** Settings for a service on {@code kafka}'s namespace and the given database, HTTP on a free port. */
    static AuditSettings settings(TestKafka kafka, String jdbcUrl, String user, String password, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        values.put("kafka.topic.namespace", kafka.namespace());
        values.put("db.url", jdbcUrl);
        values.put("db.user", user);
        values.put("db.password", password);
        values.put("api.token", TOKEN);
        values.put("http.host", "127.0.0.1");
        values.put("http.port", "0");
        values.put("audit.poll.timeout", "100ms");
        values.putAll(extra);
        Config config = Config.of(values);
        AuditSettings settings = AuditSettings.from(config);
        config.requireNoUnknownKeys();
        return settings;
    }

    /** The record that publishes {@code event} in {@code kafka}'s namespace, keyed as the contract says. */
    static ProducerRecord<String, byte[]> record(TestKafka kafka, BatonEvent event) {
        return new ProducerRecord<>(kafka.topic(event.topic()), event.key(), CODEC.encode(event));
    }

    /** Publishes every event without waiting for each acknowledgement, then waits for all of them. */
    static List<RecordMetadata> publishAll(TestKafka kafka, List<? extends BatonEvent> events) {
        return publishRecords(kafka, events.stream().map(e -> record(kafka, e)).toList());
    }

    /** Publishes the records in order with one producer, then waits for every acknowledgement. */
    static List<RecordMetadata> publishRecords(TestKafka kafka, List<ProducerRecord<String, byte[]>> records) {
        Properties props = kafka.producerProperties();
        props.put("linger.ms", "5");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
            producer.flush();
            return sent.stream().map(AuditTestSupport::get).toList();
        }
    }

    private static RecordMetadata get(Future<RecordMetadata> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publish failed", e);
        }
    }

    /** The single long of {@code sql} with its parameters. */
    static long queryLong(String jdbcUrl, String user, String password, String sql, Object... params) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** A GET answered by the service; {@code token} null sends no Authorization header. */
    static Response get(int port, String pathAndQuery, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP answer. */
    record Response(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }
}

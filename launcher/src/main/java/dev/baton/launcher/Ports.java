package dev.baton.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ports of a local run. The defaults are what the README and the printed commands use; {@code BATON_PORT_OFFSET}
 * shifts every one of them (a test run with an offset of 1000 does not clash with a developer's run).
 */
record Ports(int kafka, int kafkaController, int postgres, int placement1, int placement2, int gateway, int audit,
        int agentA, int agentB, int agentC, int demoRoute) {

    static final int DEFAULT_KAFKA = 9092;

    /** The default ports shifted by {@code offset}; every port must stay within 1..65535. */
    static Ports withOffset(int offset) {
        Ports ports = new Ports(DEFAULT_KAFKA + offset, 9093 + offset, 55432 + offset, 8081 + offset, 8091 + offset,
                8082 + offset, 8083 + offset, 8084 + offset, 8085 + offset, 8086 + offset, 7001 + offset);
        ports.byUse().forEach((use, port) -> {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("BATON_PORT_OFFSET=" + offset + " puts the " + use + " port at "
                        + port + ", outside 1..65535");
            }
        });
        return ports;
    }

    /**
     * Parses {@code BATON_PORT_OFFSET}: empty or absent is 0; {@code +1000}, {@code 1000} and {@code -10} are accepted.
     */
    static int parseOffset(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("BATON_PORT_OFFSET must be a whole number such as 1000 or +1000, was '"
                    + value + "'");
        }
    }

    /** Every port with what uses it, in start order. */
    Map<String, Integer> byUse() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("kafka", kafka);
        ports.put("kafka controller", kafkaController);
        ports.put("postgres", postgres);
        ports.put("placement-1 http", placement1);
        ports.put("placement-2 http", placement2);
        ports.put("audit http", audit);
        ports.put("gateway http", gateway);
        ports.put("gateway route demo", demoRoute);
        ports.put("server-a http", agentA);
        ports.put("server-b http", agentB);
        ports.put("server-c http", agentC);
        return ports;
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafka;
    }
}

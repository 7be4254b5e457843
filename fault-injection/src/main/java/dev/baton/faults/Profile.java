package dev.baton.faults;

import java.time.Duration;

/**
 * How long each fault lasts and how long the run waits for recovery. {@link #CI} keeps the bounded run inside the
 * build's time budget; {@link #LONG} is for the randomized run.
 *
 * @param down how long a killed part stays down before it is started again
 * @param shortPause a pause shorter than the agents' lease (700 ms)
 * @param longPause a pause longer than the placement's failure timeout (1 s)
 * @param cut how long an agent stays cut off the broker
 * @param flapCycles how many times a flapping server goes down and comes back
 * @param recovery how long the roles may take to serve again after a fault
 * @param deadline a client request unanswered after this, on an open connection, hangs: the gateway's own bound
 *     ({@code switch.timeout}, 10 s: a client held without an upstream longer is closed) plus 10 s for scheduling on a
 *     loaded machine (at a load average of 46 on 2 cores the gateway closed such clients 15–17 s after they connected)
 */
record Profile(String name, Duration down, Duration shortPause, Duration longPause, Duration cut, int flapCycles,
        Duration recovery, Duration deadline) {
    static final Profile CI = new Profile("ci", Duration.ofMillis(1500), Duration.ofMillis(300),
            Duration.ofMillis(2500), Duration.ofMillis(2500), 3, Duration.ofSeconds(60), Duration.ofSeconds(20));
    static final Profile LONG = new Profile("long", Duration.ofSeconds(3), Duration.ofMillis(400),
            Duration.ofSeconds(4), Duration.ofSeconds(4), 10, Duration.ofSeconds(90), Duration.ofSeconds(20));
}

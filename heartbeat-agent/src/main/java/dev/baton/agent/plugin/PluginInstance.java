package dev.baton.agent.plugin;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One run of a role's plugin, for one epoch. {@link PluginHost} drives it: {@link #launch()} once, then watches
 * {@link #ended()} and the port, and ends it with {@link #terminate()} and, if it lingers, {@link #kill()}.
 */
public interface PluginInstance {
    /** Starts the plugin and returns without waiting for it to listen. */
    void launch() throws IOException;

    /** The TCP port the plugin serves on (known once launched). */
    int port();

    /** How the plugin ended on its own or after a stop (for example {@code exited with code 3}); empty while alive. */
    Optional<String> ended();

    /** Runs {@code wake} as soon as the plugin ends, so the host notices without waiting for its next check. */
    void onEnded(Runnable wake);

    /** Asks the plugin to stop (SIGTERM); returns at once. */
    void terminate();

    /** Ends the plugin and everything it started, now (SIGKILL); returns at once. */
    void kill();

    /**
     * The agent still holds its lease for {@code left}: the plugin may run that long without another renewal. Only
     * plugins in processes of their own need it (a frozen agent cannot stop them); the in-process sample plugin
     * freezes with the agent.
     */
    default void renew(Duration left) {
    }

    /** Frees what is left once the plugin ended (e.g. the watchdog's pipe); called exactly once, last. */
    default void release() {
    }

    /** For logs: what runs, e.g. {@code pid 4242} or {@code in-process}. */
    String describe();
}

package dev.baton.events;

import java.util.List;
import java.util.Map;

/**
 * How an agent runs a role's plugin: {@code kind} is {@code sample} (the built-in plugin) or {@code command}
 * (an executable with arguments and environment, where {@code {port}}, {@code {roleId}} and {@code {serverId}}
 * are replaced when it starts).
 */
public record PluginSpec(
        String kind,
        @OptionalField List<String> command,
        @OptionalField Map<String, String> environment,
        @OptionalField Integer port) {
    public PluginSpec {
        Checks.nonBlank("plugin.kind", kind);
        command = Checks.listOrEmpty("plugin.command", command);
        if (environment != null) {
            // Map.copyOf would throw a NullPointerException without a message.
            for (String value : environment.values()) {
                if (value == null) {
                    throw new IllegalArgumentException("plugin.environment contains a null value");
                }
            }
        }
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("plugin.port must be between 0 and 65535, was " + port);
        }
    }

    /** Environment values may hold secrets: only their names are shown. */
    @Override
    public String toString() {
        return "PluginSpec[kind=" + kind + ", command=" + command + ", environment=" + environment.keySet()
                + " (values masked), port=" + port + "]";
    }
}

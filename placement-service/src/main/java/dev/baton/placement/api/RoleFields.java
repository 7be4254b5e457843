package dev.baton.placement.api;

import dev.baton.events.DatabaseRef;
import dev.baton.events.FailbackWindow;
import dev.baton.events.InFlightConfig;
import dev.baton.events.PluginSpec;
import dev.baton.placement.api.AdminRequests.DatabaseFields;
import dev.baton.placement.api.AdminRequests.InFlightFields;
import dev.baton.placement.api.AdminRequests.PluginFields;
import dev.baton.placement.api.AdminRequests.WindowFields;
import dev.baton.placement.policy.ConfigError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values of a role's configuration from the fields a request sent: each method returns the value, or null with
 * the problems added to {@code errors} (422 once every field was looked at).
 */
final class RoleFields {
    static final int MAX_DATABASE_SERVER = 256;
    /** The longest DNS name. */
    static final int MAX_DATABASE_HOST = 253;
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> PLUGIN_KINDS = Set.of("sample", "command");

    private RoleFields() {
    }

    /** The gateway port, or null when absent or out of range (the problem added to {@code errors}). */
    static Integer gatewayPort(Long port, List<ConfigError> errors) {
        if (port == null) {
            return null;
        }
        if (port < 1 || port > 65535) {
            errors.add(new ConfigError("gatewayPort", "must be between 1 and 65535, was " + port));
            return null;
        }
        return port.intValue();
    }

    /** The database, or null with the problems added to {@code errors}. */
    static DatabaseRef database(DatabaseFields fields, List<ConfigError> errors) {
        int before = errors.size();
        text("database.server", fields.server(), MAX_DATABASE_SERVER, false, errors);
        text("database.host", fields.host(), MAX_DATABASE_HOST, true, errors);
        if (fields.port() < 1 || fields.port() > 65535) {
            errors.add(new ConfigError("database.port", "must be between 1 and 65535, was " + fields.port()));
        }
        return errors.size() > before ? null
                : new DatabaseRef(fields.server().trim(), fields.host().trim(), (int) fields.port());
    }

    static void text(String field, String value, int maxLength, boolean noSpaces, List<ConfigError> errors) {
        if (value.isBlank()) {
            errors.add(new ConfigError(field, "must not be blank"));
        } else if (value.length() > maxLength) {
            errors.add(new ConfigError(field, "is " + value.length() + " characters long; the limit is " + maxLength));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new ConfigError(field, "must not contain control characters"));
        } else if (noSpaces && value.trim().chars().anyMatch(Character::isWhitespace)) {
            errors.add(new ConfigError(field, "'" + value + "' is not a host name or address: it contains spaces"));
        }
    }

    /** The plugin, or null with the problems added to {@code errors}. */
    static PluginSpec plugin(PluginFields fields, List<ConfigError> errors) {
        int before = errors.size();
        if (!PLUGIN_KINDS.contains(fields.kind())) {
            errors.add(new ConfigError("plugin.kind", "must be 'sample' (the built-in plugin) or 'command' (an "
                    + "executable), was '" + AdminRequests.abbreviated(fields.kind()) + "'"));
        } else if (fields.kind().equals("command")
                && (fields.command().isEmpty() || fields.command().get(0).isBlank())) {
            errors.add(new ConfigError("plugin.command", "a 'command' plugin needs the executable and its arguments, "
                    + "e.g. [\"/opt/plugin/bin/run\", \"--port\", \"{port}\"]"));
        } else if (fields.kind().equals("sample") && !fields.command().isEmpty()) {
            errors.add(new ConfigError("plugin.command", "the 'sample' plugin is built in and takes no command"));
        }
        for (Map.Entry<String, String> variable : fields.environment().entrySet()) {
            if (!ENVIRONMENT_NAME.matcher(variable.getKey()).matches()) {
                errors.add(new ConfigError("plugin.environment", "'" + AdminRequests.abbreviated(variable.getKey())
                        + "' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)"));
            }
        }
        if (fields.port() != null && (fields.port() < 0 || fields.port() > 65535)) {
            errors.add(new ConfigError("plugin.port", "must be between 0 and 65535, was " + fields.port()));
        }
        return errors.size() > before ? null : new PluginSpec(fields.kind(), fields.command(), fields.environment(),
                fields.port() == null ? null : fields.port().intValue());
    }

    /** The in-flight policy, or null with the problems added to {@code errors}. */
    static InFlightConfig inFlight(InFlightFields fields, List<ConfigError> errors) {
        int before = errors.size();
        if (!InFlightConfig.POLICIES.contains(fields.policy())) {
            errors.add(new ConfigError("inFlight.policy", "must be 'close' (close an awaiting client's connection so "
                    + "its retry runs), 'replay' (resend its unanswered bytes; idempotent protocols only) or 'repoint' "
                    + "(one-way streams), was '" + AdminRequests.abbreviated(fields.policy()) + "'"));
        }
        Long limit = fields.replayLimitBytes();
        if (limit != null && (limit < 1 || limit > InFlightConfig.MAX_REPLAY_LIMIT_BYTES)) {
            errors.add(new ConfigError("inFlight.replayLimitBytes", "must be between 1 and "
                    + InFlightConfig.MAX_REPLAY_LIMIT_BYTES + ", was " + limit));
        } else if (limit != null && !"replay".equals(fields.policy())) {
            errors.add(new ConfigError("inFlight.replayLimitBytes", "applies to the policy 'replay' only"));
        }
        return errors.size() > before ? null
                : new InFlightConfig(fields.policy(), limit == null ? null : limit.intValue());
    }

    /** The failback window, or null with the problems added to {@code errors}. */
    static FailbackWindow failbackWindow(WindowFields fields, List<ConfigError> errors) {
        int before = errors.size();
        if (fields.fromHour() < 0 || fields.fromHour() > 23) {
            errors.add(new ConfigError("failbackWindow.fromHour", "must be an hour between 0 and 23, was "
                    + fields.fromHour()));
        }
        if (fields.toHour() < 0 || fields.toHour() > 23) {
            errors.add(new ConfigError("failbackWindow.toHour", "must be an hour between 0 and 23, was "
                    + fields.toHour()));
        }
        if (errors.size() == before && fields.fromHour() == fields.toHour()) {
            errors.add(new ConfigError("failbackWindow", "from " + fields.fromHour() + " to " + fields.toHour()
                    + " is an empty window; remove the window to allow failback at any hour"));
        }
        return errors.size() > before ? null : new FailbackWindow((int) fields.fromHour(), (int) fields.toHour());
    }

    /** The plugin as sent, where an environment value shown masked ({@value AdminJson#MASKED}) keeps the current. */
    static PluginFields unmasked(PluginFields sent, PluginSpec current) {
        if (current == null || sent.environment().isEmpty()) {
            return sent;
        }
        Map<String, String> environment = new java.util.LinkedHashMap<>(sent.environment());
        environment.replaceAll((name, value) -> AdminJson.MASKED.equals(value) && current.environment().containsKey(name)
                ? current.environment().get(name) : value);
        return new PluginFields(sent.kind(), sent.command(), environment, sent.port());
    }
}

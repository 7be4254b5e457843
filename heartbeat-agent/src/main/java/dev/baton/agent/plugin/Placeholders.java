package dev.baton.agent.plugin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The placeholders of a command plugin's arguments and environment values: {@code {port}}, {@code {roleId}} and
 * {@code {serverId}}. Anything else in braces is left as it is, so a plugin can take literal braces.
 */
public record Placeholders(int port, String roleId, String serverId) {

    public String apply(String text) {
        return text.replace("{port}", Integer.toString(port)).replace("{roleId}", roleId).replace("{serverId}", serverId);
    }

    public List<String> apply(List<String> texts) {
        return texts.stream().map(this::apply).toList();
    }

    public Map<String, String> apply(Map<String, String> values) {
        Map<String, String> applied = new LinkedHashMap<>();
        values.forEach((key, value) -> applied.put(key, apply(value)));
        return applied;
    }
}

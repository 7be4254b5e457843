package dev.baton.agent.testing;

import dev.baton.agent.plugin.PluginHost;
import dev.baton.events.Endpoint;
import dev.baton.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records a {@link PluginHost}'s outcomes so that a test can wait for them. */
public final class RecordingListener implements PluginHost.Listener {
    /** One outcome: {@code kind} is running, failed or stopped. */
    public record Outcome(String kind, String roleId, long epoch, Endpoint endpoint, String detail) {
    }

    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    @Override
    public void running(String roleId, long epoch, Endpoint endpoint, String detail) {
        outcomes.add(new Outcome("running", roleId, epoch, endpoint, detail));
    }

    @Override
    public void failed(String roleId, long epoch, String detail) {
        outcomes.add(new Outcome("failed", roleId, epoch, null, detail));
    }

    @Override
    public void stopped(String roleId, long epoch) {
        outcomes.add(new Outcome("stopped", roleId, epoch, null, null));
    }

    /** Waits for the first outcome of {@code kind} for the role and epoch. */
    public Outcome await(String kind, String roleId, long epoch, Duration timeout) {
        return Await.until(kind + " " + roleId + "@" + epoch + " (seen: " + outcomes + ")", timeout,
                () -> outcomes.stream()
                        .filter(o -> o.kind().equals(kind) && o.roleId().equals(roleId) && o.epoch() == epoch)
                        .findFirst().orElse(null),
                outcome -> outcome != null);
    }

    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }
}

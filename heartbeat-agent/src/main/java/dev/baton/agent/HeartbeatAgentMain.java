package dev.baton.agent;

import dev.baton.runtime.ServiceMain;

/**
 * Entry point of the heartbeat-agent: {@code java -jar heartbeat-agent.jar [--config file.properties]}.
 *
 * <p>SIGTERM (and Ctrl-C) is a planned leave: the agent announces it, waits (at most {@code leave.timeout}) until its
 * roles run elsewhere, stops them and exits. A configuration problem exits with code 2 before anything starts.
 */
public final class HeartbeatAgentMain {
    private HeartbeatAgentMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run(AgentSettings.SERVICE, args, AgentSettings::from, settings -> {
            HeartbeatAgent agent = HeartbeatAgent.start(settings);
            return () -> {
                agent.leave();
                agent.close();
            };
        });
    }
}

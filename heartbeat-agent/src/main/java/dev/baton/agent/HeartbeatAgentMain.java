package dev.baton.agent;

import dev.baton.runtime.ServiceMain;
import dev.baton.runtime.kafka.KafkaSettings;

/** Entry point of the heartbeat-agent: {@code java -jar heartbeat-agent.jar [--config file.properties]}. */
public final class HeartbeatAgentMain {
    private HeartbeatAgentMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("heartbeat-agent", args, config -> KafkaSettings.from(config, "heartbeat-agent"), settings -> () -> { });
    }
}

package dev.baton.placement;

import dev.baton.runtime.ServiceMain;
import dev.baton.runtime.kafka.KafkaSettings;

/** Entry point of the placement-service: {@code java -jar placement-service.jar [--config file.properties]}. */
public final class PlacementServiceMain {
    private PlacementServiceMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("placement-service", args, config -> KafkaSettings.from(config, "placement-service"), settings -> () -> { });
    }
}

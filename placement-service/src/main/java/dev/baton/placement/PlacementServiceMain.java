package dev.baton.placement;

import dev.baton.runtime.ServiceMain;

/** Entry point of the placement-service: {@code java -jar placement-service.jar [--config file.properties]}. */
public final class PlacementServiceMain {
    private PlacementServiceMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run(PlacementSettings.SERVICE, args, PlacementSettings::from, PlacementService::start);
    }
}

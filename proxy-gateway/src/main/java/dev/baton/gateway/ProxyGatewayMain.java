package dev.baton.gateway;

import dev.baton.runtime.ServiceMain;
import dev.baton.runtime.kafka.KafkaSettings;

/** Entry point of the proxy-gateway: {@code java -jar proxy-gateway.jar [--config file.properties]}. */
public final class ProxyGatewayMain {
    private ProxyGatewayMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("proxy-gateway", args, config -> KafkaSettings.from(config, "proxy-gateway"), settings -> () -> { });
    }
}

package dev.baton.gateway;

import dev.baton.runtime.ServiceMain;

/**
 * Entry point of the proxy-gateway: {@code java -jar proxy-gateway.jar [--config file.properties]}. See the module
 * README for the configuration keys.
 */
public final class ProxyGatewayMain {
    private ProxyGatewayMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run(GatewaySettings.SERVICE, args, GatewaySettings::from, ProxyGateway::start);
    }
}

package dev.baton.systemtest;

import dev.baton.events.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Whether something listens at an endpoint. */
final class Ports {
    private Ports() {
    }

    static boolean accepts(Endpoint endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

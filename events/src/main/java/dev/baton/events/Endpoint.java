package dev.baton.events;

/** Where a running role answers: a host name or address and a TCP port. */
public record Endpoint(String host, int port) {
    public Endpoint {
        Checks.nonBlank("host", host);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}

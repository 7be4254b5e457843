package dev.baton.agent.plugin;

import java.io.IOException;

/**
 * The sample plugin as a process of its own, to try the {@code command} plugin kind without writing a plugin:
 *
 * <pre>{@code
 * "plugin": {"kind": "command", "port": 0,
 *            "command": ["java", "-cp", "/opt/baton/heartbeat-agent.jar",
 *                        "dev.baton.agent.plugin.SamplePluginMain", "{port}", "{serverId}"]}
 * }</pre>
 *
 * It speaks the {@link SamplePlugin} protocol and runs until it is terminated (SIGTERM).
 */
public final class SamplePluginMain {
    private SamplePluginMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: SamplePluginMain <port> <serverId>");
            System.exit(2);
            return;
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("port must be a number, was '" + args[0] + "'");
            System.exit(2);
            return;
        }
        SamplePlugin plugin = new SamplePlugin(args[1], "main", port);
        plugin.launch();
        Runtime.getRuntime().addShutdownHook(new Thread(plugin::terminate, "sample-plugin-stop"));
        System.out.println("sample plugin of " + args[1] + " listening on port " + plugin.port() + ", pid "
                + ProcessHandle.current().pid());
        plugin.awaitEnded(Long.MAX_VALUE);
    }
}

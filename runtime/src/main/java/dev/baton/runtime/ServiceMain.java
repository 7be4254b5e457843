package dev.baton.runtime;

import dev.baton.runtime.config.Config;
import dev.baton.runtime.config.ConfigException;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up every service shares: load the configuration, validate it strictly, log it with secrets
 * masked, then start. A configuration problem ends the process with exit code 2 and one readable message.
 */
public final class ServiceMain {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

    /** What a service does with its validated settings: start and return a handle to stop it. */
    @FunctionalInterface
    public interface Starter<S> {
        AutoCloseable start(S settings) throws Exception;
    }

    private ServiceMain() {
    }

    /**
     * Loads the settings with {@code parse} and validates them; throws {@link ConfigException} listing every
     * problem.
     */
    public static <S> S settings(String service, String[] args, Map<String, String> env, Function<Config, S> parse) {
        Config config = Config.load(args, env);
        S settings = parse.apply(config);
        config.requireNoUnknownKeys();
        for (String unknown : config.unknownEnvironmentVariables()) {
            LOG.warn("Environment variable {} matches no configuration key of {}; ignored", unknown, service);
        }
        LOG.info("{} configuration:\n{}", service, config.describe().stripTrailing());
        return settings;
    }

    /** Runs a service until the JVM is asked to stop (SIGTERM, Ctrl-C), then stops it. */
    public static <S> void run(String service, String[] args, Function<Config, S> parse, Starter<S> starter) {
        S settings;
        try {
            settings = settings(service, args, System.getenv(), parse);
        } catch (ConfigException e) {
            System.err.println(service + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            AutoCloseable running = starter.start(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("{} stopping", service);
                try {
                    running.close();
                } catch (Exception e) {
                    LOG.warn("{} did not stop cleanly: {}", service, e.toString());
                }
            }, service + "-shutdown"));
            LOG.info("{} started", service);
        } catch (Exception e) {
            LOG.error("{} failed to start: {}", service, e.toString(), e);
            System.exit(1);
        }
    }
}

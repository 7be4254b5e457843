package dev.baton.audit;

import dev.baton.runtime.ServiceMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the audit-service: {@code java -jar audit-service.jar [--config file.properties]}. */
public final class AuditServiceMain {
    private static final Logger LOG = LoggerFactory.getLogger(AuditServiceMain.class);

    private AuditServiceMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run(AuditSettings.SERVICE, args, AuditSettings::from,
                settings -> AuditService.start(settings, new IngestHooks() {
                    @Override
                    public void consumerFailed(Throwable failure) {
                        // A service that no longer stores events must not look alive: exit so the supervisor
                        // restarts it; it resumes from the committed offsets without loss. Exit from another
                        // thread, since the shutdown hook waits for the consumer thread to end.
                        LOG.error("Audit consumer failed; exiting so the service is restarted");
                        new Thread(() -> System.exit(1), "audit-exit").start();
                    }
                }));
    }
}

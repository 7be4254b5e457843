package dev.baton.audit;

import dev.baton.runtime.ServiceMain;
import dev.baton.runtime.kafka.KafkaSettings;

/** Entry point of the audit-service: {@code java -jar audit-service.jar [--config file.properties]}. */
public final class AuditServiceMain {
    private AuditServiceMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("audit-service", args, config -> KafkaSettings.from(config, "audit-service"), settings -> () -> { });
    }
}

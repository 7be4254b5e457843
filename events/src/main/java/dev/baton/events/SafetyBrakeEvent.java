package dev.baton.events;

/**
 * The placement leader's safety brake engaged or was released, on {@link Topic#SERVER_EVENTS}, keyed by the
 * placement instance that judged it: it is about many servers at once, not one.
 */
public sealed interface SafetyBrakeEvent extends BatonEvent permits SafetyBrakeEngaged, SafetyBrakeReleased {
    /** The placement instance (the leader) that engaged or released the brake. */
    String instanceId();

    @Override
    default String key() {
        return instanceId();
    }
}

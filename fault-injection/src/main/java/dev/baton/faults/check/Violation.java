package dev.baton.faults.check;

/** One broken promise found in a run's history, with the scenario it happened in ("-" outside every scenario). */
public record Violation(Kind kind, String scenario, String detail) {
    public enum Kind {
        /** Two servers running one role at the same time. */
        OVERLAP,
        /** A record on an audited topic missing from the audit store, or stored twice. */
        LOSS,
        /** At the end, a role that could run is not serving, or is reported hosted where it does not serve. */
        LIVENESS,
        /** A request neither answered nor refused within the client's deadline. */
        HANG,
        /** After a fault, the roles did not serve again within the scenario's bound. */
        RECOVERY,
        /** A service died or answered with a server error where it should not have. */
        INCIDENT
    }

    @Override
    public String toString() {
        return kind + " [" + scenario + "] " + detail;
    }
}

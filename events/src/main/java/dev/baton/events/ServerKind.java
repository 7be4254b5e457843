package dev.baton.events;

/** The kind of server an agent declares in its configuration. */
public enum ServerKind {
    /** The main server of the installation. */
    MAIN,
    /** An expansion server. */
    EXPANSION
}

package dev.baton.cli;

/** The {@code on|off} argument of {@code roles failback} and {@code servers maintenance}. */
enum Toggle {
    on,
    off;

    boolean isOn() {
        return this == on;
    }
}

package dev.baton.events;

/**
 * The hours of the day, in UTC, during which a failback (the move back to the highest-priority server) may
 * happen: from {@code fromHour}:00 inclusive to {@code toHour}:00 exclusive. A window whose end is before its
 * start spans midnight ({@code 22} to {@code 6} is the night).
 */
public record FailbackWindow(int fromHour, int toHour) {
    public FailbackWindow {
        if (fromHour < 0 || fromHour > 23) {
            throw new IllegalArgumentException("failbackWindow.fromHour must be between 0 and 23, was " + fromHour);
        }
        if (toHour < 0 || toHour > 23) {
            throw new IllegalArgumentException("failbackWindow.toHour must be between 0 and 23, was " + toHour);
        }
        if (fromHour == toHour) {
            throw new IllegalArgumentException("failbackWindow is empty: fromHour and toHour are both " + fromHour
                    + "; leave the window out to allow failback at any hour");
        }
    }

    /** Whether a failback may happen during {@code hourOfDay} (0 to 23, UTC). */
    public boolean allows(int hourOfDay) {
        return fromHour < toHour
                ? hourOfDay >= fromHour && hourOfDay < toHour
                : hourOfDay >= fromHour || hourOfDay < toHour;
    }

    @Override
    public String toString() {
        return String.format("%02d:00-%02d:00 UTC", fromHour, toHour);
    }
}

package dev.baton.testkit;

import java.util.Locale;
import java.util.UUID;

/** Unique, valid names for per-class topics and databases. */
final class Names {
    private Names() {
    }

    /** e.g. {@code placementit-3f9a1c}: lower case letters and digits, at most 40 characters plus a suffix. */
    static String unique(Class<?> testClass) {
        String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (base.length() > 40) {
            base = base.substring(0, 40);
        }
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

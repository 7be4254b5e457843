package dev.baton.systemtest;

/** Closes the parts a system test started, in the order given, skipping those it never started. */
final class Closer {
    private Closer() {
    }

    /** Closes each non-null part; the first failure is thrown once every part had its turn. */
    static void closeAll(AutoCloseable... parts) {
        RuntimeException failure = null;
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not stop every part of the test", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

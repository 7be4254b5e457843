package dev.baton.faults.check;

import dev.baton.faults.check.History.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a plugin process's tick log (one epoch-millisecond time per line, written every 20 ms while it runs) into the
 * spans it was alive: ticks further apart than {@code gapMs} end one span and start the next (the process was frozen,
 * so it served nobody in between).
 */
public final class PluginTicks {
    private PluginTicks() {
    }

    public static List<Span> spans(String role, String server, String process, List<Long> ticks, long gapMs) {
        List<Span> spans = new ArrayList<>();
        if (ticks.isEmpty()) {
            return spans;
        }
        long from = ticks.get(0);
        long last = from;
        for (long tick : ticks.subList(1, ticks.size())) {
            if (tick - last > gapMs) {
                spans.add(new Span(role, server, process, from, last));
                from = tick;
            }
            last = Math.max(last, tick);
        }
        spans.add(new Span(role, server, process, from, last));
        return spans;
    }
}

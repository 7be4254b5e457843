package dev.baton.placement.loop;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** An executor whose tasks run only when the test says so: a publish the test never runs is never acknowledged. */
final class ManualExecutor implements Executor {
    private final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
    }

    synchronized int pending() {
        return tasks.size();
    }

    /** Runs every queued task, and those they queue, in order. */
    void runAll() {
        Runnable task;
        while ((task = next()) != null) {
            task.run();
        }
    }

    private synchronized Runnable next() {
        return tasks.poll();
    }
}

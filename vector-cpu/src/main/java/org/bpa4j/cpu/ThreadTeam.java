package org.bpa4j.cpu;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed number of threads that run the tasks 0..k−1 of a parallel loop, the caller among them. Tasks are
 * claimed dynamically, so every task must write only its own outputs: results never depend on which
 * thread ran what, which is how the backend stays bit-for-bit identical whatever the thread count.
 *
 * <p>A Sinkhorn solve is a few dozen short parallel loops back to back, so the helpers spin for a moment
 * after each one (then park) and pick the next up without a wake-up's latency. One loop runs on a team at
 * a time; a caller that finds the team busy (another thread's call) runs its loop by itself.
 */
final class ThreadTeam {
    /** Runs everything on the calling thread. */
    static final ThreadTeam SEQUENTIAL = new ThreadTeam(1);

    /** How long an idle helper, or a caller waiting for helpers, spins before it parks. */
    private static final long SPIN_NANOS = 50_000;

    private static final Map<Integer, ThreadTeam> TEAMS = new ConcurrentHashMap<>();

    private final int threads;
    private final Thread[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job current;
    private long jobs;

    private ThreadTeam(int threads) {
        this.threads = threads;
        this.helpers = new Thread[threads - 1];
        for (int h = 0; h < helpers.length; h++) {
            Thread t = new Thread(this::help, "bpa4j-cpu-" + threads + "-" + (h + 1));
            t.setDaemon(true);
            helpers[h] = t;
        }
        for (Thread t : helpers) {
            t.start();
        }
    }

    /** The shared team of that many threads (helpers are daemon threads, created once per count). */
    static ThreadTeam of(int threads) {
        if (threads < 1) {
            throw new IllegalStateException("ThreadTeam.of: threads must be >= 1, got " + threads);
        }
        if (threads == 1) {
            return SEQUENTIAL;
        }
        return TEAMS.computeIfAbsent(threads, ThreadTeam::new);
    }

    int threads() {
        return threads;
    }

    /** Runs body(0..tasks−1), each exactly once, and returns when all are done; rethrows the first failure. */
    void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (helpers.length == 0 || tasks == 1 || !busy.compareAndSet(false, true)) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        try {
            Job job = new Job(tasks, body, ++jobs);
            current = job;
            for (Thread h : helpers) {
                LockSupport.unpark(h);
            }
            job.work();
            job.awaitAll();
        } finally {
            current = null;
            busy.set(false);
        }
    }

    /** A helper's life: take each new job as it comes, spinning briefly between jobs, then parking. */
    private void help() {
        long seen = 0;
        while (true) {
            long idleSince = System.nanoTime();
            Job job;
            while ((job = current) == null || job.id == seen) {
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    idleSince = System.nanoTime();
                }
            }
            seen = job.id;
            job.work();
        }
    }

    private static final class Job {
        final long id;
        private final int tasks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Job(int tasks, IntConsumer body, long id) {
            this.tasks = tasks;
            this.body = body;
            this.id = id;
        }

        void work() {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    if (failure == null) {
                        body.accept(t);
                    }
                } catch (Throwable e) {
                    failure = e;
                }
                if (finished.incrementAndGet() == tasks) {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
        }

        void awaitAll() {
            long start = System.nanoTime();
            while (finished.get() < tasks && System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            synchronized (this) {
                while (finished.get() < tasks) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable f = failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }
    }
}

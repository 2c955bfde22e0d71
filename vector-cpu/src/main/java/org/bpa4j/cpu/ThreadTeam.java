package org.bpa4j.cpu;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed number of threads that run the tasks 0..k−1 of a parallel loop, the caller among them. Tasks are
 * claimed dynamically, so every task must write only its own outputs: results never depend on which
 * thread ran what, which is how the backend stays bit-for-bit identical whatever the thread count.
 */
final class ThreadTeam {
    /** Runs everything on the calling thread. */
    static final ThreadTeam SEQUENTIAL = new ThreadTeam(1, null);

    private static final Map<Integer, ThreadTeam> TEAMS = new ConcurrentHashMap<>();

    private final int threads;
    private final ExecutorService helpers;

    private ThreadTeam(int threads, ExecutorService helpers) {
        this.threads = threads;
        this.helpers = helpers;
    }

    /** The shared team of that many threads (helpers are daemon threads, created once per count). */
    static ThreadTeam of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ThreadTeam.of: threads must be >= 1, got " + threads);
        }
        if (threads == 1) {
            return SEQUENTIAL;
        }
        return TEAMS.computeIfAbsent(threads, t -> {
            AtomicInteger id = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(t - 1, r -> {
                Thread th = new Thread(r, "bpa4j-cpu-" + t + "-" + id.incrementAndGet());
                th.setDaemon(true);
                return th;
            });
            return new ThreadTeam(t, pool);
        });
    }

    int threads() {
        return threads;
    }

    /** Runs body(0..tasks−1), each exactly once, and returns when all are done; rethrows the first failure. */
    void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (helpers == null || tasks == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        Job job = new Job(tasks, body);
        int extra = Math.min(threads, tasks) - 1;
        for (int h = 0; h < extra; h++) {
            helpers.execute(job::work);
        }
        job.work();
        job.awaitAll();
    }

    private static final class Job {
        private final int tasks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile Throwable failure;

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
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

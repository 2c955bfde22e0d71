package org.bpa4j.cpu.bam;

import java.util.function.IntConsumer;

/**
 * How the CPU backend runs tasks 0..k−1 of a parallel loop (its thread team). Every task writes only its
 * own outputs, so the results do not depend on how many threads run them.
 */
@FunctionalInterface
public interface ParallelLoop {
    /** Runs body(0..tasks−1), each exactly once, and returns when all are done. */
    void forEach(int tasks, IntConsumer body);

    /** Everything on the calling thread. */
    ParallelLoop SEQUENTIAL = (tasks, body) -> {
        for (int t = 0; t < tasks; t++) {
            body.accept(t);
        }
    };
}

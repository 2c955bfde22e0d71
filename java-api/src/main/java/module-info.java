/**
 * bpa4j: the self-optimal-transport feature transforms (BPA/SOT), the log-domain Sinkhorn solver and the BAM
 * loss, forward and analytic backward, behind one API that dispatches to the backends found as services.
 *
 * <p>The entry points are {@link org.bpa4j.Bpa}, {@link org.bpa4j.Sinkhorn} and {@link org.bpa4j.BamLoss};
 * data travels in {@link org.bpa4j.Tensor}s; {@link org.bpa4j.io.Npy} reads and writes NumPy files;
 * {@link org.bpa4j.fewshot.FewShotClassifier} classifies queries with BPA-transformed features. Backends
 * implement {@link org.bpa4j.spi.Backend}; this module provides the float64 reference backend, and the
 * modules {@code org.bpa4j.cpu} (SIMD) and {@code org.bpa4j.cuda} (CUDA) provide the fast ones.
 */
module org.bpa4j {
    requires jdk.management;   // the memory checks read the heap and direct-memory limits (MXBeans)

    exports org.bpa4j;
    exports org.bpa4j.io;
    exports org.bpa4j.fewshot;
    exports org.bpa4j.spi;
    exports org.bpa4j.retrieval;

    uses org.bpa4j.spi.Backend;
    provides org.bpa4j.spi.Backend with org.bpa4j.reference.ReferenceBackend;
}

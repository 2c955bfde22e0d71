/**
 * The SIMD CPU backend of bpa4j (float32, every core, {@code jdk.incubator.vector}), found by
 * {@link java.util.ServiceLoader} as a {@link org.bpa4j.spi.Backend}; it exports nothing.
 */
module org.bpa4j.cpu {
    requires org.bpa4j;
    requires jdk.incubator.vector;
    requires jdk.management;   // CompilerCheck: is C2 on (HotSpotDiagnosticMXBean)

    provides org.bpa4j.spi.Backend with org.bpa4j.cpu.CpuBackend;
}

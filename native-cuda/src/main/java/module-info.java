/**
 * The CUDA backend of bpa4j (cuBLAS and bpa4j's own kernels through JavaCPP's CUDA presets), found by
 * {@link java.util.ServiceLoader} as a {@link org.bpa4j.spi.Backend}; it exports nothing. Its kernels (a fatbin)
 * come in the JAR with classifier {@code linux-x86_64} (module {@code org.bpa4j.cuda.linux.x86_64}), and
 * JavaCPP's native libraries in {@code org.bytedeco.cuda.linux.x86_64}; module {@code org.bpa4j.platform}
 * requires all of them.
 */
module org.bpa4j.cuda {
    requires org.bpa4j;
    requires org.bytedeco.cuda;   // requires transitive org.bytedeco.javacpp

    provides org.bpa4j.spi.Backend with org.bpa4j.cuda.CudaBackend;
}

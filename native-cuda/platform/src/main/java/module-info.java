/**
 * bpa4j for linux-x86_64, the one module to require: the API (transitively), the SIMD CPU backend, the CUDA
 * backend with its kernels, and JavaCPP's CUDA bindings with their native libraries. The CUDA libraries
 * themselves (driver, libcudart, libcublas) come from the system; without them the CUDA backend reports itself
 * unavailable and the CPU backend is used.
 */
@SuppressWarnings("requires-automatic")   // the kernels JAR holds a fatbin and no classes: an automatic module
module org.bpa4j.platform {
    requires transitive org.bpa4j;
    requires org.bpa4j.cpu;
    requires org.bpa4j.cuda;
    requires org.bpa4j.cuda.linux.x86_64;
    requires org.bytedeco.cuda.linux.x86_64;
    requires org.bytedeco.javacpp.linux.x86_64;
}

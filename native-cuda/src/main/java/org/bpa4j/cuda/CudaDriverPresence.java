package org.bpa4j.cuda;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether an NVIDIA driver library could be there at all, decided by looking at files only: probing the
 * CUDA backend loads JavaCPP and its native libraries (about half a second), which a machine without the
 * driver pays for nothing. On Linux the driver is libcuda.so.1 in the loader's usual directories or on
 * LD_LIBRARY_PATH; elsewhere this says "maybe" and the backend's own probe decides.
 */
final class CudaDriverPresence {
    static final String LIBRARY = "libcuda.so.1";
    private static final List<String> LINUX_DIRECTORIES = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64", "/usr/local/cuda/lib64",
            "/usr/local/cuda/compat", "/usr/lib/wsl/lib", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib");

    private CudaDriverPresence() {
    }

    /** False only when this is Linux and no libcuda.so.1 is in any directory the loader would search. */
    static boolean maybePresent() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return true;
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("LD_LIBRARY_PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(LINUX_DIRECTORIES);
        for (String d : dirs) {
            if (Files.exists(Path.of(d, LIBRARY))) {
                return true;
            }
        }
        // a driver registered only through ld.so.conf.d elsewhere: the loader's cache names it
        try {
            Path cache = Path.of("/etc/ld.so.cache");
            if (Files.isReadable(cache)) {
                byte[] bytes = Files.readAllBytes(cache);
                return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains(LIBRARY);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return true;
        }
        return false;
    }
}

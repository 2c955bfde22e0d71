package org.bpa4j.cuda;

import org.bpa4j.Backends;

/** What {@code bpa4j info} shows about the backends, for the GPU check when the CLI is not built. */
public final class GpuInfo {
    private GpuInfo() {
    }

    public static void main(String[] args) {
        for (Backends.Entry e : Backends.all()) {
            System.out.println(e.device().label() + ": " + (e.available() ? "available — " : "UNAVAILABLE — ")
                    + e.availability().reason());
        }
    }
}

package org.bpa4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.Backends;
import org.bpa4j.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What this machine offers: the Java, every backend with why it is or is not available, the SIMD width. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows the Java version, every backend (available or not, and why) and the SIMD species.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : new VersionProvider().getVersion()) {
            out.println(line);
        }
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "Java home: %s%n", System.getProperty("java.home"));
        out.printf(Locale.ROOT, "CPU: %d cores available to the JVM; max heap %.1f GiB; %s %s%n",
                rt.availableProcessors(), rt.maxMemory() / (double) (1L << 30), System.getProperty("os.arch"),
                System.getProperty("os.name"));
        out.println("SIMD: " + SimdSpecies.describe());
        out.println("Backends (AUTO tries them in this order):");
        for (Backends.Entry e : Backends.all()) {
            String state = e.available() ? "available" : "unavailable";
            String details = "";
            if (e.available()) {
                try {
                    details = e.backend().details();
                } catch (RuntimeException ex) {
                    details = "details failed: " + ex;
                }
            }
            String reason = e.availability().reason();
            String text = reason == null || reason.isBlank() ? "" : reason;
            if (details != null && !details.isBlank() && !details.equals(text)) {
                text = text.isEmpty() ? details : text + "; " + details;
            }
            out.printf(Locale.ROOT, "  %-10s %-12s %s%n", e.device().label(), state, text);
        }
        String property = System.getProperty(Backends.PROPERTY);
        out.println("System property " + Backends.PROPERTY + ": " + (property == null ? "(not set)" : property));
        out.println("AUTO uses: " + autoChoice());
        return ErrorReport.OK;
    }

    private static String autoChoice() {
        try {
            return Backends.resolve(Device.AUTO).device().label();
        } catch (RuntimeException e) {
            return "nothing: " + e.getMessage();
        }
    }
}

package org.bpa4j.reliability;

import java.nio.file.Path;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Sinkhorn;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;

/**
 * Runs one large request in a JVM with a small heap and prints how it ended, one line: {@code REFUSED
 * <message>} for an IllegalArgumentException, {@code DONE} when it fitted, {@code CRASHED <throwable>} for
 * anything else — an OutOfMemoryError included. Arguments: the scenario, the backend and its sizes.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.out.println("DONE");
        } catch (org.bpa4j.InvalidInputException e) {
            System.out.println("REFUSED " + e.getMessage());
        } catch (Throwable t) {
            System.out.println("CRASHED " + t);
        }
    }

    /** The probe's own line: the JVM may print warnings before it. */
    public static String lastLine(String output) {
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }

    private static void run(String[] args) throws Exception {
        Device device = Device.parse(args[1]);
        switch (args[0]) {
            case "bpa" -> {
                int sets = Integer.parseInt(args[2]);
                int n = Integer.parseInt(args[3]);
                int d = Integer.parseInt(args[4]);
                Tensor x = Tensor.zeros(DType.FLOAT32, sets, n, d);
                for (long i = 0; i < x.size(); i++) {
                    x.setDouble(i, Math.sin(i * 0.37));
                }
                Tensor z = Bpa.builder().device(device).build().forward(sets == 1 ? x.reshape(n, d) : x).output();
                if (z.size() != (long) sets * n * n) {
                    throw new AssertionError("output of " + z.size() + " values");
                }
            }
            case "sinkhorn" -> {
                int n = Integer.parseInt(args[2]);
                Tensor cost = Tensor.zeros(DType.FLOAT32, n, n);
                Sinkhorn.builder().device(device).build().solve(cost);
            }
            case "npy" -> Npy.read(Path.of(args[2]));
            default -> throw new AssertionError("unknown scenario " + args[0]);
        }
    }
}

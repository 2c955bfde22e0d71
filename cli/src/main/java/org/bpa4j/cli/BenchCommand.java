package org.bpa4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Times BPA forward and forward+backward on seeded random float32 inputs: the median of several runs
 * after warm-up runs, for each size and backend. "forward" is inference ({@link Bpa#transform}, nothing kept
 * for a backward pass, as PyTorch under no_grad); "forward+backward" is {@link Bpa#forward} then backward.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times BPA forward and forward+backward on random float32 inputs (seeded).",
            "forward is inference (Bpa.transform: nothing kept for a backward pass); forward+backward is "
                + "Bpa.forward, then backward.",
            "Each figure is the median of --runs timed runs after untimed warm-up runs (--warmup, --warmup-seconds)."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", split = ",", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend(s) to time, comma-separated [auto].")
    List<Device> backends;

    @Option(names = "--sizes", split = ",", defaultValue = "1000x128", paramLabel = "NxD",
            description = "Set sizes: n rows of d features, comma-separated [1000x128].")
    List<String> sizes;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B",
            description = "Sets per call; above 1 the input is (B, n, d) [1].")
    int batch;

    @Option(names = "--iterations", defaultValue = "10", description = "Sinkhorn iterations [10].")
    int iterations;

    @Option(names = "--reg", defaultValue = "0.1", description = "Entropic regularisation [0.1].")
    double reg;

    @Option(names = "--metric", defaultValue = "cosine", paramLabel = "cosine|euclidean",
            description = "Cost metric [cosine].")
    Metric metric;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per figure, at least 5 [5].")
    int runs;

    @Option(names = "--warmup", defaultValue = "2",
            description = "Untimed runs before timing, at least; more while under --warmup-seconds [2].")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "1",
            description = "Keep warming up (JIT) until this much time has passed [1].")
    double warmupSeconds;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random inputs [42].")
    long seed;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tsv",
            description = "text, or tsv: a header, then rows 'backend n d forward_ms forward_backward_ms' [text].")
    OutputFormat format;

    /** One size to time. */
    record Size(int n, int d) {
        static Size parse(String text) {
            String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
            if (parts.length != 2) {
                throw new InvalidInputException("--sizes: '" + text + "' is not NxD (e.g. 1000x128)");
            }
            try {
                Size s = new Size(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                if (s.n < 2 || s.d < 1) {
                    throw new InvalidInputException("--sizes: '" + text + "' needs N >= 2 and D >= 1");
                }
                return s;
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--sizes: '" + text + "' is not NxD (e.g. 1000x128)");
            }
        }
    }

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new InvalidInputException("--batch must be >= 1, got " + batch);
        }
        if (runs < 5) {
            throw new InvalidInputException("--runs must be >= 5 (the figure is a median), got " + runs);
        }
        if (warmup < 0) {
            throw new InvalidInputException("--warmup must be >= 0, got " + warmup);
        }
        if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            throw new InvalidInputException("--warmup-seconds must be a finite number >= 0, got " + warmupSeconds);
        }
        List<Size> parsed = sizes.stream().map(Size::parse).toList();
        for (Size size : parsed) {
            checkCount(batch == 1 ? new int[] {size.n, size.n} : new int[] {batch, size.n, size.n});
        }
        List<Bpa> transforms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Device device : backends) {
            names.add(Backends.resolve(device).device().label());
            transforms.add(Bpa.builder().metric(metric).reg(reg).iterations(iterations).device(device)
                    .precision(DType.FLOAT32).build());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.tsv) {
            out.println("backend\tn\td\tforward_ms\tforward_backward_ms");
        } else {
            out.printf(Locale.ROOT, "BPA on random float32 input: %s, reg %s, %d iterations, batch %d;"
                    + " median of %d runs after at least %d warm-up runs and %s s.%n", metric.label(), reg,
                    iterations, batch, runs, warmup, warmupSeconds);
            out.printf(Locale.ROOT, "%-10s %7s %6s %14s %22s%n", "backend", "n", "d", "forward ms",
                    "forward+backward ms");
        }
        for (Size size : parsed) {
            Tensor[] input = randomInput(size);
            for (int k = 0; k < transforms.size(); k++) {
                double[] ms = time(transforms.get(k), input[0], input[1]);
                if (format == OutputFormat.tsv) {
                    out.printf(Locale.ROOT, "%s\t%d\t%d\t%.3f\t%.3f%n", names.get(k), size.n, size.d, ms[0], ms[1]);
                } else {
                    out.printf(Locale.ROOT, "%-10s %7d %6d %14.3f %22.3f%n", names.get(k), size.n, size.d,
                            ms[0], ms[1]);
                }
            }
        }
        return ErrorReport.OK;
    }

    /** X (standard normal) and the gradient G (standard normal), both float32. */
    private Tensor[] randomInput(Size size) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] xShape = batch == 1 ? new int[] {size.n, size.d} : new int[] {batch, size.n, size.d};
        int[] gShape = batch == 1 ? new int[] {size.n, size.n} : new int[] {batch, size.n, size.n};
        return new Tensor[] {gaussian(random, xShape), gaussian(random, gShape)};
    }

    /** The number of values in a shape, refused when a Java array cannot hold it. */
    private static int checkCount(int[] shape) {
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        if (count > Integer.MAX_VALUE - 16) {
            throw new InvalidInputException("--sizes/--batch: " + count + " values in " + Tensor.shapeString(shape)
                    + " are too many for one benchmark input");
        }
        return (int) count;
    }

    private static Tensor gaussian(SplittableRandom random, int[] shape) {
        checkCount(shape);
        Tensor t = Tensor.zeros(DType.FLOAT32, shape); // refused with the bytes when the heap cannot hold it
        float[] values = t.floatArray().orElseThrow();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return t;
    }

    /** Median milliseconds of forward and of forward+backward. */
    private double[] time(Bpa bpa, Tensor x, Tensor g) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup || (System.nanoTime() - start) / 1e9 < warmupSeconds && i < MAX_WARMUP; i++) {
            consume(bpa.transform(x));
            consume(bpa.forward(x).backward(g));
        }
        // each kind of call is timed back to back, as a server or a trainer makes it: a forward right after a
        // backward would be timed with the backward's matrices in its caches and its garbage to collect
        double[] forward = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            Tensor z = bpa.transform(x);
            forward[r] = (System.nanoTime() - t0) / 1e6;
            consume(z);
        }
        double[] both = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            BpaResult result = bpa.forward(x);
            Tensor dx = result.backward(g);
            both[r] = (System.nanoTime() - t0) / 1e6;
            consume(dx);
        }
        return new double[] {median(forward), median(both)};
    }

    /** Small sizes warm up in milliseconds; this bounds the count, not the time. */
    private static final int MAX_WARMUP = 10_000;

    private static double sink;

    /** Reads a value so the work cannot be dropped as unused. */
    private static void consume(Tensor t) {
        sink += t.getDouble(t.size() - 1);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}

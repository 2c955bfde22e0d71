package org.bpa4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bpa4j.BamLoss;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.cli.options.OutputFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Times BPA (or the BAM loss) forward and forward+backward on seeded random float32 inputs: the median of
 * several runs once the timings have settled ({@link SteadyState}), for each size and backend. For BPA,
 * "forward" is inference ({@link Bpa#transform}, nothing kept for a backward pass, as PyTorch under
 * no_grad) and "forward+backward" is {@link Bpa#forward} then backward; for BAM, the loss, then the loss
 * and its gradient.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Times BPA (or, with --op bam, the BAM loss) forward and forward+backward on random float32 "
                + "inputs (seeded).",
            "BPA: forward is inference (Bpa.transform: nothing kept for a backward pass); forward+backward is "
                + "Bpa.forward, then backward. BAM: the loss; the loss and its gradient.",
            "Each figure is the median of --runs timed runs once the JIT is done: untimed warm-up rounds run until "
                + "their times settle (--settle) and the JIT compiler is idle, at least --warmup rounds and --warmup-seconds, at most "
                + "--warmup-max-seconds."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", split = ",", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend(s) to time, comma-separated [auto].")
    List<Device> backends;

    /** What to time. */
    enum Op { bpa, bam }

    @Option(names = "--op", defaultValue = "bpa", paramLabel = "bpa|bam",
            description = "bpa, or bam: the BAM loss of B images in large + local crops [bpa].")
    Op op;

    @Option(names = "--sizes", split = ",", paramLabel = "NxD|BxD",
            description = "Sizes, comma-separated: bpa: n rows of d features [1000x128]; bam: B images per view, "
                + "d dimensions [256x256].")
    List<String> sizes;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B",
            description = "bpa: sets per call; above 1 the input is (B, n, d) [1].")
    int batch;

    @Option(names = "--iterations", description = "Sinkhorn iterations [bpa 10, bam 3].")
    Integer iterations;

    @Option(names = "--reg", description = "Entropic regularisation [bpa 0.1, bam 0.05].")
    Double reg;

    @Option(names = "--metric", defaultValue = "cosine", paramLabel = "cosine|euclidean",
            description = "bpa: cost metric [cosine].")
    Metric metric;

    @Option(names = "--large-crops", defaultValue = "2", description = "bam: large (global) crops per image [2].")
    int largeCrops;

    @Option(names = "--local-crops", defaultValue = "6", description = "bam: local crops per image [6].")
    int localCrops;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per figure, at least 5 [5].")
    int runs;

    @Option(names = "--warmup", defaultValue = "2",
            description = "Untimed warm-up rounds (a forward and a forward+backward each), at least [2].")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "1",
            description = "Keep warming up (JIT) at least this long [1].")
    double warmupSeconds;

    @Option(names = "--warmup-max-seconds", defaultValue = "30",
            description = "Stop warming up after this long even if the timings have not settled [30].")
    double warmupMaxSeconds;

    @Option(names = "--settle", defaultValue = "0.03",
            description = "Settled: the median of the last 5 warm-up rounds within this fraction of the 5 before "
                + "[0.03].")
    double settle;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random inputs [42].")
    long seed;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tsv",
            description = "text, or tsv: a header, then rows 'backend n d forward_ms forward_backward_ms' "
                + "('backend B d ...' for bam) [text].")
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

    /** The sizes given, or the op's default. */
    private List<Size> sizes() {
        List<String> given = sizes != null ? sizes : List.of(op == Op.bam ? "256x256" : "1000x128");
        return given.stream().map(Size::parse).toList();
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
        if (!(warmupMaxSeconds >= 0) || Double.isInfinite(warmupMaxSeconds)) {
            throw new InvalidInputException("--warmup-max-seconds must be a finite number >= 0, got "
                    + warmupMaxSeconds);
        }
        if (!(settle > 0 && settle < 1)) {
            throw new InvalidInputException("--settle must be a fraction in (0, 1), got " + settle);
        }
        List<Size> parsed = sizes();
        SteadyState.Settings settings = new SteadyState.Settings(warmup, warmupSeconds,
                Math.max(warmupSeconds, warmupMaxSeconds), settle);
        return op == Op.bam ? benchBam(parsed, settings) : benchBpa(parsed, settings);
    }

    private Integer benchBpa(List<Size> parsed, SteadyState.Settings settings) {
        for (Size size : parsed) {
            checkCount(batch == 1 ? new int[] {size.n, size.n} : new int[] {batch, size.n, size.n});
        }
        double r = reg != null ? reg : 0.1;
        int t = iterations != null ? iterations : 10;
        List<Bpa> transforms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Device device : backends) {
            transforms.add(Bpa.builder().metric(metric).reg(r).iterations(t).device(device)
                    .precision(DType.FLOAT32).build());
            names.add(transforms.getLast().backend().label());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == OutputFormat.tsv) {
            out.println("backend\tn\td\tforward_ms\tforward_backward_ms");
        } else {
            out.printf(Locale.ROOT, "BPA on random float32 input: %s, reg %s, %d iterations, batch %d;"
                    + " %s%n", metric.label(), r, t, batch, timingNote());
            out.printf(Locale.ROOT, "%-10s %7s %6s %14s %22s%n", "backend", "n", "d", "forward ms",
                    "forward+backward ms");
        }
        for (Size size : parsed) {
            Tensor[] input = randomInput(size);
            for (int k = 0; k < transforms.size(); k++) {
                Bpa bpa = transforms.get(k);
                double[] ms = time(new SteadyState.Workload() {
                    @Override
                    public void forward() {
                        consume(bpa.transform(input[0]));
                    }

                    @Override
                    public void forwardBackward() {
                        BpaResult result = bpa.forward(input[0]);
                        consume(result.backward(input[1]));
                    }
                }, settings);
                row(out, names.get(k), size, ms);
            }
        }
        return ErrorReport.OK;
    }

    private Integer benchBam(List<Size> parsed, SteadyState.Settings settings) {
        if (batch != 1) {
            throw new InvalidInputException("--batch is for --op bpa; bam's B is the first number of --sizes");
        }
        List<BamLoss> losses = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Device device : backends) {
            BamLoss.Builder builder = BamLoss.builder().largeCrops(largeCrops).localCrops(localCrops).device(device)
                    .precision(DType.FLOAT32);
            if (reg != null) {
                builder.reg(reg);
            }
            if (iterations != null) {
                builder.iterations(iterations);
            }
            losses.add(builder.build());
            names.add(losses.getLast().backend().label());
        }
        int views = largeCrops + localCrops;
        for (Size size : parsed) {
            checkCount(new int[] {views, size.n, size.d});
            checkCount(new int[] {views, size.n, largeCrops * size.n});
        }
        PrintWriter out = spec.commandLine().getOut();
        BamLoss first = losses.get(0);
        if (format == OutputFormat.tsv) {
            out.println("backend\tB\td\tforward_ms\tforward_backward_ms");
        } else {
            out.printf(Locale.ROOT, "BAM loss on random float32 embeddings: %d large + %d local crops, temperature %s,"
                    + " reg %s, %d iterations; %s%n", largeCrops, localCrops, first.temperature(), first.reg(),
                    first.iterations(), timingNote());
            out.printf(Locale.ROOT, "%-10s %7s %6s %14s %22s%n", "backend", "B", "d", "forward ms",
                    "forward+backward ms");
        }
        for (Size size : parsed) {
            Tensor z = gaussian(new SplittableRandom(seed), new int[] {views * size.n, size.d});
            for (int k = 0; k < losses.size(); k++) {
                BamLoss loss = losses.get(k);
                double[] ms = time(new SteadyState.Workload() {
                    @Override
                    public void forward() {
                        sink += loss.forward(z).loss();
                    }

                    @Override
                    public void forwardBackward() {
                        consume(loss.forward(z).backward());
                    }
                }, settings);
                row(out, names.get(k), size, ms);
            }
        }
        return ErrorReport.OK;
    }

    private String timingNote() {
        return String.format(Locale.ROOT, "median of %d runs once warm-up rounds settle (within %s, at least %d"
                + " rounds and %s s, at most %s s)", runs, settle, warmup, warmupSeconds,
                Math.max(warmupSeconds, warmupMaxSeconds));
    }

    private void row(PrintWriter out, String backend, Size size, double[] ms) {
        if (format == OutputFormat.tsv) {
            out.printf(Locale.ROOT, "%s\t%d\t%d\t%.3f\t%.3f%n", backend, size.n, size.d, ms[0], ms[1]);
        } else {
            out.printf(Locale.ROOT, "%-10s %7d %6d %14.3f %22.3f%n", backend, size.n, size.d, ms[0], ms[1]);
        }
        out.flush();
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

    /** Median milliseconds of forward and of forward+backward, in the steady state. */
    private double[] time(SteadyState.Workload work, SteadyState.Settings settings) {
        SteadyState.warmUp(work, settings);
        return SteadyState.time(work, runs);
    }

    private static double sink;

    /** Reads a value so the work cannot be dropped as unused. */
    private static void consume(Tensor t) {
        sink += t.getDouble(t.size() - 1);
    }
}

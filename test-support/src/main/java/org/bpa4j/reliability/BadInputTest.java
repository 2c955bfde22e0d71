package org.bpa4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bpa4j.BamLoss;
import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 1, through the API: every bad input is an {@link IllegalArgumentException} whose message
 * names the problem and where — on every available backend, since validation happens before dispatch.
 */
public class BadInputTest {

    /** A call that must be refused, and the words its message must contain (lower-case). */
    public record Refusal(Executable call, String... words) {
    }

    private static Named<Refusal> refusal(String name, Executable call, String... words) {
        return Named.of(name, new Refusal(call, words));
    }

    private static Tensor x(int n, int d) {
        return RandomTensors.gaussian(7, n, d);
    }

    private static Tensor withValue(Tensor t, long index, double value) {
        Tensor copy = t.copy();
        copy.setDouble(index, value);
        return copy;
    }

    static List<Named<Refusal>> refusals() {
        return refusals(AvailableDevices.all());
    }

    protected static List<Named<Refusal>> refusals(List<Device> devices) {
        List<Named<Refusal>> all = new ArrayList<>();
        for (Device device : devices) {
            all.addAll(refusalsOn(device));
        }
        return all;
    }

    private static List<Named<Refusal>> refusalsOn(Device device) {
        String on = " [" + device.label() + "]";
        Bpa bpa = Bpa.builder().device(device).build();
        Bpa bpa64 = Bpa.builder().device(device).precision(DType.FLOAT64).build();
        Sinkhorn sk = Sinkhorn.builder().device(device).build();
        List<Named<Refusal>> c = new ArrayList<>();

        // NaN and infinities in X: the kind, the set, the row and the column
        c.add(refusal("NaN in X" + on, () -> bpa.forward(withValue(x(5, 4), 2 * 4 + 3, Double.NaN)),
                "x", "nan", "row 2", "column 3"));
        c.add(refusal("+Inf in X" + on, () -> bpa.forward(withValue(x(5, 4), 0, Double.POSITIVE_INFINITY)),
                "+inf", "row 0", "column 0"));
        c.add(refusal("-Inf in X" + on, () -> bpa.forward(withValue(x(5, 4), 19, Double.NEGATIVE_INFINITY)),
                "-inf", "row 4", "column 3"));
        c.add(refusal("NaN in a float32 X" + on, () -> {
            float[] v = new float[12];
            v[7] = Float.NaN;
            bpa.forward(Tensor.of(v, 4, 3));
        }, "nan", "row 2", "column 1"));
        c.add(refusal("NaN in set 1 of a batch" + on,
                () -> bpa.forward(withValue(RandomTensors.gaussian(3, 2, 4, 3), 12 + 5, Double.NaN)),
                "nan", "set 1", "row 1", "column 2"));
        c.add(refusal("NaN in the teacher-free X given with labels" + on,
                () -> bpa.forward(withValue(x(4, 2), 5, Double.NaN), new int[] {0, 1}), "nan", "row 2", "column 1"));

        // the inference call checks the same things, under its own name
        c.add(refusal("NaN in X, transform" + on, () -> bpa.transform(withValue(x(5, 4), 2 * 4 + 3, Double.NaN)),
                "bpa.transform", "nan", "row 2", "column 3"));
        c.add(refusal("n = 1, transform" + on, () -> bpa.transform(x(1, 4)), "bpa.transform", "n = 2", "(1, 4)"));
        c.add(refusal("null X, transform" + on, () -> bpa.transform(null), "bpa.transform", "x", "null"));
        c.add(refusal("negative label, transform" + on, () -> bpa.transform(x(4, 2), new int[] {0, -3}),
                "bpa.transform", "-3", "index 1", "negative"));
        c.add(refusal("labels for the wrong number of sets, transform" + on,
                () -> bpa.transform(RandomTensors.gaussian(1, 2, 4, 2), new int[][] {{0, 1}}), "bpa.transform",
                "1 sets", "has 2"));

        // shapes
        c.add(refusal("1-D X" + on, () -> bpa.forward(Tensor.of(new double[6], 6)), "2-d", "(6,)"));
        c.add(refusal("n = 1" + on, () -> bpa.forward(x(1, 4)), "n = 2", "(1, 4)"));
        c.add(refusal("n = 0" + on, () -> bpa.forward(Tensor.of(new double[0], 0, 4)), "n = 2", "(0, 4)"));
        c.add(refusal("d = 0" + on, () -> bpa.forward(Tensor.of(new double[0], 5, 0)), "d = 1", "(5, 0)"));
        c.add(refusal("empty (0, 0)" + on, () -> bpa.forward(Tensor.of(new double[0], 0, 0)), "(0, 0)"));
        c.add(refusal("a batch of no sets" + on, () -> bpa.forward(Tensor.of(new double[0], 0, 3, 2)),
                "no sets", "(0, 3, 2)"));
        c.add(refusal("null X" + on, () -> bpa.forward(null), "x", "null"));

        // labels
        c.add(refusal("labels longer than n" + on, () -> bpa.forward(x(4, 2), new int[] {0, 1, 0, 1, 0}),
                "5 labels", "n = 4"));
        c.add(refusal("negative label" + on, () -> bpa.forward(x(4, 2), new int[] {0, -3}), "-3", "index 1",
                "negative"));
        c.add(refusal("labels for the wrong number of sets" + on,
                () -> bpa.forward(RandomTensors.gaussian(1, 2, 4, 2), new int[][] {{0, 1}}), "1 sets", "has 2"));

        // the gradient's shape
        c.add(refusal("gradient of the wrong shape" + on, () -> {
            BpaResult r = bpa64.forward(x(5, 3));
            r.backward(Tensor.zeros(DType.FLOAT64, 5, 3));
        }, "gradient", "(5, 3)", "(5, 5)"));
        c.add(refusal("NaN in G" + on, () -> {
            BpaResult r = bpa64.forward(x(5, 3));
            r.backward(withValue(Tensor.zeros(DType.FLOAT64, 5, 5), 13, Double.NaN));
        }, "gradient", "nan", "row 2", "column 3"));

        // the cost and the marginals
        c.add(refusal("NaN in the cost" + on, () -> sk.solve(withValue(x(3, 4), 6, Double.NaN)),
                "cost", "nan", "row 1", "column 2"));
        c.add(refusal("-Inf in the cost" + on, () -> sk.solve(withValue(x(3, 4), 11, Double.NEGATIVE_INFINITY)),
                "cost", "-inf", "row 2", "column 3"));
        c.add(refusal("1-D cost" + on, () -> sk.solve(Tensor.of(new double[4], 4)), "cost", "(4,)"));
        c.add(refusal("empty cost" + on, () -> sk.solve(Tensor.of(new double[0], 0, 3)), "cost", "empty"));
        c.add(refusal("marginal a of the wrong length" + on,
                () -> sk.solve(x(3, 4), uniform(4), uniform(4)), "marginal a", "(4,)", "(3,)"));
        c.add(refusal("marginal b of the wrong length" + on,
                () -> sk.solve(x(3, 4), uniform(3), uniform(3)), "marginal b", "(3,)", "(4,)"));
        c.add(refusal("negative marginal" + on, () -> sk.solve(x(3, 3), Tensor.of(new double[] {0.5, -0.1, 0.6}, 3),
                uniform(3)), "marginal a", "negative", "index 1"));
        c.add(refusal("marginals with different totals" + on,
                () -> sk.solve(x(3, 3), Tensor.of(new double[] {1, 1, 1}, 3), Tensor.of(new double[] {1, 1, 2}, 3)),
                "same total", "σa = 3.0", "σb = 4.0"));
        c.add(refusal("marginals with no mass" + on,
                () -> sk.solve(x(2, 2), Tensor.of(new double[2], 2), Tensor.of(new double[2], 2)), "positive mass"));
        c.add(refusal("marginals whose total overflows" + on,
                () -> sk.solve(x(2, 2), Tensor.of(new double[] {1e308, 1e308}, 2),
                        Tensor.of(new double[] {1e308, 1e308}, 2)), "marginal", "finite"));
        c.add(refusal("NaN in a marginal" + on,
                () -> sk.solve(x(2, 2), Tensor.of(new double[] {Double.NaN, 1}, 2), uniform(2)), "marginal a", "nan"));
        c.add(refusal("only one marginal" + on, () -> sk.solve(x(2, 2), uniform(2), null), "both"));
        // unit marginals on n ≠ m: Σa = n, Σb = m, refused as explicit marginals of those totals are
        c.add(refusal("unit marginals of a 5×4 cost" + on, () -> sk.solve(x(5, 4)),
                "sinkhorn.solve", "same total", "σa = 5.0", "σb = 4.0", "5×4 cost", "give marginals"));
        c.add(refusal("unit marginals of a batch of 4×5 costs" + on,
                () -> sk.solve(RandomTensors.gaussian(3, 2, 4, 5)), "sinkhorn.solve", "σa = 4.0", "σb = 5.0"));
        // the same request made to the backend itself, past the API (the SPI entry point checks it too)
        Backend backend = Backends.resolve(device);
        String spiName = backend.getClass().getSimpleName() + ".sinkhorn";
        c.add(refusal("unit marginals of a 5×4 cost through the SPI" + on,
                () -> backend.sinkhorn(new SinkhornOptions(0.1, 10, Double.NaN, 1, DType.FLOAT64), x(5, 4), null,
                        null), spiName, "same total", "σa = 5.0", "σb = 4.0"));
        c.add(refusal("Sinkhorn gradient of the wrong shape" + on, () -> {
            SinkhornResult r = sk.solve(x(3, 4), uniform(3), uniform(4));
            r.backward(Tensor.zeros(DType.FLOAT64, 4, 3));
        }, "gradient", "(4, 3)", "(3, 4)"));
        return c;
    }

    private static Tensor uniform(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0 / n);
        return Tensor.of(v, n);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedWithAMessageThatNamesTheProblemAndWhere(Refusal r) {
        // one type for bad input, whatever the check (docs/RELIABILITY.md, "Bad input")
        IllegalArgumentException e = assertThrows(org.bpa4j.InvalidInputException.class, r.call());
        assertNamed(e, r.words());
    }

    public static void assertNamed(Exception e, String... words) {
        String message = e.getMessage();
        assertTrue(message != null && !message.isBlank(), "no message: " + e);
        assertEquals(-1, message.indexOf('\n'), "one line: " + message);
        String lower = message.toLowerCase(Locale.ROOT);
        for (String w : words) {
            assertTrue(lower.contains(w.toLowerCase(Locale.ROOT)), "'" + w + "' missing from: " + message);
        }
    }

    /** Options are refused when they are set, before any call. */
    @Test
    void badOptionsAreRefusedByTheBuilders() {
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().reg(0)), "reg", "> 0", "0.0");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().reg(-1)), "reg", "-1.0");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().reg(Double.NaN)), "reg", "nan");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().reg(Double.POSITIVE_INFINITY)),
                "reg", "infinity");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().iterations(0)),
                "iterations", "0");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().iterations(-5)),
                "iterations", "-5");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder().reg(0)), "reg");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder().iterations(0)),
                "iterations");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder().tolerance(-1e-9)),
                "tolerance", "-1.0e-9");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder().tolerance(Double.NaN)),
                "tolerance", "nan");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder().checkEvery(0)),
                "checkevery");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Metric.parse("manhattan")),
                "metric", "manhattan", "cosine", "euclidean");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Metric.parse(null)), "metric");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu")),
                "backend", "tpu", "reference");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Device.parse(" ")), "backend", "missing");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> DType.parse("float16")),
                "precision", "float16");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().metric(null)), "metric", "null");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Bpa.builder().device(null)), "device", "null");
    }

    /** The BAM loss's own refusals (docs/MATH.md §4 options), checked through its API. */
    @Test
    void badBamOptionsAndEmbeddingsAreRefused() {
        Tensor z = x(6, 4);
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().largeCrops(2).localCrops(2).build().forward(x(6, 4))),
                "6 rows", "4 views", "divide");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().largeCrops(2).targetCrops(3).build()), "targetcrops = 3", "largecrops = 2");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().largeCrops(2).topK(7).build().forward(z)), "topk = 7", "6 targets");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> BamLoss.builder().topK(-1)), "topk", "-1");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> BamLoss.builder().largeCrops(0)),
                "largecrops", "0");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> BamLoss.builder().localCrops(-1)),
                "localcrops", "-1");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> BamLoss.builder().temperature(0)),
                "temperature");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> BamLoss.builder().reg(Double.NaN)), "reg");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> BamLoss.builder().iterations(0)),
                "iterations");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(withValue(z, 9, Double.NaN))), "nan", "row 2", "column 1");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(z, withValue(z, 0, Double.POSITIVE_INFINITY))),
                "zteacher", "+inf", "row 0", "column 0");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(z, x(4, 4))), "zteacher", "(4, 4)", "(6, 4)");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(RandomTensors.gaussian(1, 2, 6, 4))), "2-d", "(2, 6, 4)");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(Tensor.of(new double[0], 0, 4))), "empty", "(0, 4)");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(x(2, 4))), "batch of 1");
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> BamLoss.builder().build().forward(z).backward(Double.NaN)), "scale", "nan");
    }

    /** Shapes a tensor cannot have are refused where the tensor is made. */
    @Test
    void tensorsRefuseShapesTheyCannotHave() {
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[16], 2, 2, 2, 2)),
                "1, 2 or 3 dimensions", "[2, 2, 2, 2]");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[6], 2, 4)),
                "6 values", "[2, 4]", "8");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[0], 3, -1)),
                "negative", "[3, -1]");
        assertNamed(assertThrows(IllegalArgumentException.class, () -> Tensor.of((double[]) null, 1)), "null");
    }
}

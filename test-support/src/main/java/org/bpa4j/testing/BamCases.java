package org.bpa4j.testing;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;

/** The golden BAM cases and random embeddings, shared with the other backends' tests. */
public final class BamCases {
    private BamCases() {
    }

    /** Every {@code golden/bam} case. */
    public static List<GoldenCase> golden() {
        return GoldenCase.all("bam");
    }

    /** The loss with a golden case's options. */
    public static BamLoss loss(GoldenCase c, Device device, DType precision) {
        return BamLoss.builder()
                .largeCrops(c.getInt("largeCrops"))
                .localCrops(c.getInt("localCrops"))
                .targetCrops(c.getInt("targetCrops"))
                .temperature(c.getDouble("temperature"))
                .reg(c.getDouble("reg"))
                .iterations(c.getInt("iterations"))
                .topK(c.getInt("topK"))
                .positiveMasking(c.getBoolean("positiveMasking"))
                .device(device)
                .precision(precision)
                .build();
    }

    /** Whether the case is the distillation form (kind=distill_bam, with zt). */
    public static boolean distill(GoldenCase c) {
        return "distill_bam".equals(c.get("kind"));
    }

    /** Runs a golden case: forward(z) or forward(z, zt), with the inputs in the given precision. */
    public static BamResult run(GoldenCase c, Device device, DType precision) {
        BamLoss loss = loss(c, device, precision);
        Tensor z = c.tensor("z").to(precision);
        return distill(c) ? loss.forward(z, c.tensor("zt").to(precision)) : loss.forward(z);
    }

    /**
     * Runs a golden case on a device and asserts that it reproduces the authors' loss (relative to its size)
     * and gradients (relative to their largest entry) within {@code tolerance}.
     */
    public static BamResult assertReproduces(GoldenCase c, Device device, DType precision, double tolerance) {
        BamResult r = run(c, device, precision);
        assertEquals(device, r.device(), c + " device");
        double expected = c.getDouble("loss");
        assertEquals(expected, r.loss(), tolerance * Math.abs(expected), c + " loss");
        assertClose(c.tensor("dz"), r.backward(), tolerance, c + " dz");
        if (distill(c)) {
            assertClose(c.tensor("dzt"), r.teacherBackward(), tolerance, c + " dzt");
        }
        return r;
    }

    /** Gaussian embeddings (n, d) in float64. */
    public static Tensor gaussian(SplittableRandom random, int n, int d) {
        double[] x = new double[n * d];
        for (int k = 0; k < x.length; k++) {
            x[k] = random.nextGaussian();
        }
        return Tensor.of(x, n, d);
    }

    /**
     * Embeddings of V views of B images: each image has a centre and every view is the centre plus noise
     * of the given size, so that views of the same image are similar, as in training.
     */
    public static Tensor views(SplittableRandom random, int views, int batch, int d, double noise) {
        double[] centres = new double[batch * d];
        for (int k = 0; k < centres.length; k++) {
            centres[k] = random.nextGaussian();
        }
        double[] x = new double[views * batch * d];
        for (int v = 0; v < views; v++) {
            for (int i = 0; i < batch; i++) {
                for (int k = 0; k < d; k++) {
                    x[(v * batch + i) * d + k] = centres[i * d + k] + noise * random.nextGaussian();
                }
            }
        }
        return Tensor.of(x, views * batch, d);
    }
}

package org.bpa4j.cpu;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.testing.BamCases;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The float32 CPU BAM loss against the authors' golden data and the float64 reference backend. */
class CpuBamTest {
    private static final double TOL = 5e-4;
    /** Four threads claiming tasks in whatever order they come. */
    private static final ThreadTeam THREADED = ThreadTeam.of(4);

    static List<GoldenCase> cases() {
        return BamCases.golden();
    }

    /** The SPI options of a {@link BamLoss}'s settings, in float32. */
    static BamOptions options(BamLoss l) {
        return new BamOptions(l.largeCrops(), l.localCrops(), l.targetCrops(), l.temperature(), l.reg(),
                l.iterations(), l.topK(), l.positiveMasking(), DType.FLOAT32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenLossAndGradients(GoldenCase c) {
        BamOptions options = options(BamCases.loss(c, Device.REFERENCE, DType.FLOAT32));
        Tensor z = c.tensor("z").to(DType.FLOAT32);
        Tensor zt = BamCases.distill(c) ? c.tensor("zt").to(DType.FLOAT32) : null;
        CpuBam pass = CpuBam.compute(options, z, zt, THREADED);
        double expected = c.getDouble("loss");
        assertEquals(expected, pass.loss(), TOL * Math.abs(expected), c + " loss");
        Tensor dz = pass.gradient(1);
        assertEquals(DType.FLOAT32, dz.dtype());
        assertClose(c.tensor("dz"), dz, TOL, c + " dz");
        if (zt != null) {
            assertClose(c.tensor("dzt"), pass.teacherGradient(1), TOL, c + " dzt");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenThroughTheApiOnTheCpuBackend(GoldenCase c) {
        BamCases.assertReproduces(c, Device.CPU, DType.FLOAT32, TOL);
    }

    /** large, local, target crops, topK, positive masking, batch, d. */
    static Stream<Arguments> randomConfigurations() {
        return Stream.of(
                Arguments.of(2, 0, 2, 0, true, 64, 48),
                Arguments.of(2, 6, 2, 0, true, 20, 33),
                Arguments.of(2, 2, 1, 0, true, 37, 17),
                Arguments.of(3, 1, 2, 10, true, 16, 64),
                Arguments.of(2, 1, 2, 0, false, 25, 8),
                Arguments.of(1, 0, 1, 0, true, 50, 5));
    }

    @ParameterizedTest(name = "large {0} local {1} target {2} topK {3} masking {4} B {5} d {6}")
    @MethodSource("randomConfigurations")
    void matchesTheReferenceOnLargerInputs(int large, int local, int target, int topK, boolean masking, int batch,
            int d) {
        BamLoss reference = BamLoss.builder().largeCrops(large).localCrops(local).targetCrops(target).topK(topK)
                .positiveMasking(masking).device(Device.REFERENCE).precision(DType.FLOAT64).build();
        SplittableRandom random = new SplittableRandom(batch * 1000L + d);
        Tensor z = BamCases.views(random, large + local, batch, d, 0.6);
        Tensor zt = BamCases.views(random, large + local, batch, d, 0.6);
        Tensor z32 = z.to(DType.FLOAT32);
        Tensor zt32 = zt.to(DType.FLOAT32);

        BamResult plain = reference.forward(z32.to(DType.FLOAT64));
        CpuBam cpu = CpuBam.compute(options(reference), z32, null, THREADED);
        assertEquals(plain.loss(), cpu.loss(), TOL * plain.loss(), "loss");
        assertClose(plain.backward(), cpu.gradient(1), TOL, "dz");

        BamResult distill = reference.forward(z32.to(DType.FLOAT64), zt32.to(DType.FLOAT64));
        CpuBam cpuDistill = CpuBam.compute(options(reference), z32, zt32, THREADED);
        assertEquals(distill.loss(), cpuDistill.loss(), TOL * distill.loss(), "distill loss");
        assertClose(distill.backward(), cpuDistill.gradient(1), TOL, "distill dz");
        assertClose(distill.teacherBackward(), cpuDistill.teacherGradient(1), TOL, "distill dzt");
    }

    @Test
    void theSameBitsOnOneThreadOrMany() {
        BamLoss loss = BamLoss.builder().largeCrops(2).localCrops(2).topK(20).build();
        SplittableRandom random = new SplittableRandom(42);
        Tensor z = BamCases.views(random, 4, 70, 40, 0.5).to(DType.FLOAT32);
        Tensor zt = BamCases.views(random, 4, 70, 40, 0.5).to(DType.FLOAT32);
        CpuBam one = CpuBam.compute(options(loss), z, zt, ThreadTeam.SEQUENTIAL);
        CpuBam many = CpuBam.compute(options(loss), z, zt, THREADED);
        assertEquals(Double.doubleToLongBits(one.loss()), Double.doubleToLongBits(many.loss()));
        assertArrayEquals(one.gradient(1).toFloatArray(), many.gradient(1).toFloatArray());
        assertArrayEquals(one.teacherGradient(1).toFloatArray(), many.teacherGradient(1).toFloatArray());
        CpuBam again = CpuBam.compute(options(loss), z, zt, THREADED);
        assertArrayEquals(one.gradient(0.5).toFloatArray(), again.gradient(0.5).toFloatArray());
    }

    @Test
    void smallRegAndExtremeNormsStayFiniteAndMatchTheReference() {
        SplittableRandom random = new SplittableRandom(8);
        double[] values = BamCases.views(random, 2, 12, 6, 0.5).toDoubleArray();
        for (int k = 0; k < 6; k++) {
            values[k] *= 1e-30;
            values[6 + k] *= 1e30;
        }
        Tensor z = Tensor.of(values, 24, 6).to(DType.FLOAT32);
        for (double reg : new double[] {1e-3, 0.05, 5}) {
            BamLoss reference = BamLoss.builder().reg(reg).iterations(200).device(Device.REFERENCE)
                    .precision(DType.FLOAT64).build();
            BamResult expected = reference.forward(z.to(DType.FLOAT64));
            CpuBam cpu = CpuBam.compute(options(reference), z, null, THREADED);
            assertTrue(Double.isFinite(cpu.loss()), "loss at reg " + reg);
            assertEquals(expected.loss(), cpu.loss(), TOL * expected.loss(), "loss at reg " + reg);
            assertClose(expected.backward(), cpu.gradient(1), TOL, "dz at reg " + reg);
        }
    }

    @Test
    void float64OutputsWhenAskedFor() {
        BamLoss loss = BamLoss.builder().build();
        Tensor z = BamCases.views(new SplittableRandom(2), 2, 5, 7, 0.5);
        BamOptions options = new BamOptions(2, 0, 2, 0.1, 0.05, 3, 0, true, DType.FLOAT64);
        CpuBam cpu = CpuBam.compute(options, z, null, ThreadTeam.SEQUENTIAL);
        assertEquals(DType.FLOAT64, cpu.gradient(1).dtype());
        BamResult expected = BamLoss.builder().device(Device.REFERENCE).build().forward(z);
        assertEquals(expected.loss(), cpu.loss(), TOL * expected.loss());
        assertTrue(loss.views() == 2);
    }
}

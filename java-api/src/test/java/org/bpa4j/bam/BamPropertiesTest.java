package org.bpa4j.bam;

import org.bpa4j.testing.BamCases;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Invariances of the BAM loss that any correct implementation has, on random inputs. */
class BamPropertiesTest {
    private static BamLoss.Builder base() {
        return BamLoss.builder().device(Device.REFERENCE).precision(DType.FLOAT64);
    }

    @RepeatedTest(5)
    void scalingRowsChangesNothingAndTheGradientIsTangent(RepetitionInfo info) {
        SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
        BamLoss loss = base().largeCrops(2).localCrops(2).build();
        Tensor z = BamCases.views(random, 4, 5, 6, 0.7);
        Tensor scaled = z.copy();
        for (int r = 0; r < z.rows(); r++) {
            double s = 0.1 + 10 * random.nextDouble();
            for (int k = 0; k < z.cols(); k++) {
                scaled.setDouble((long) r * z.cols() + k, s * z.get(r, k));
            }
        }
        BamResult r = loss.forward(z);
        assertEquals(r.loss(), loss.forward(scaled).loss(), 1e-12 * Math.abs(r.loss()));
        Tensor dz = r.backward();
        for (int row = 0; row < z.rows(); row++) {
            double radial = 0;
            double norm = 0;
            for (int k = 0; k < z.cols(); k++) {
                radial += z.get(row, k) * dz.get(row, k);
                norm += dz.get(row, k) * dz.get(row, k);
            }
            assertTrue(Math.abs(radial) <= 1e-12 * (1 + Math.sqrt(norm)), "radial component of row " + row);
        }
    }

    @RepeatedTest(5)
    void relabellingTheImagesConsistentlyInEveryViewChangesNothing(RepetitionInfo info) {
        SplittableRandom random = new SplittableRandom(100 + info.getCurrentRepetition());
        int views = 3;
        int batch = 6;
        int d = 4;
        BamLoss loss = base().largeCrops(2).localCrops(1).topK(5).build();
        Tensor z = BamCases.views(random, views, batch, d, 0.5);
        int[] perm = permutation(random, batch);
        Tensor permuted = Tensor.zeros(DType.FLOAT64, views * batch, d);
        for (int v = 0; v < views; v++) {
            for (int i = 0; i < batch; i++) {
                for (int k = 0; k < d; k++) {
                    permuted.setDouble((long) (v * batch + perm[i]) * d + k, z.get(v * batch + i, k));
                }
            }
        }
        BamResult a = loss.forward(z);
        BamResult b = loss.forward(permuted);
        assertEquals(a.loss(), b.loss(), 1e-12 * Math.abs(a.loss()));
        Tensor da = a.backward();
        Tensor db = b.backward();
        for (int v = 0; v < views; v++) {
            for (int i = 0; i < batch; i++) {
                for (int k = 0; k < d; k++) {
                    assertEquals(da.get(v * batch + i, k), db.get(v * batch + perm[i], k), 1e-12);
                }
            }
        }
    }

    @RepeatedTest(3)
    void distillingFromItselfIsThePlainLossSplitInTwo(RepetitionInfo info) {
        SplittableRandom random = new SplittableRandom(200 + info.getCurrentRepetition());
        BamLoss loss = base().largeCrops(2).localCrops(2).build();
        Tensor z = BamCases.views(random, 4, 4, 5, 0.5);
        BamResult plain = loss.forward(z);
        BamResult distill = loss.forward(z, z.copy());
        assertEquals(plain.loss(), distill.loss(), 1e-12 * Math.abs(plain.loss()));
        // the plain gradient is the sum of the two paths, through the rows and through the targets
        Tensor dz = plain.backward();
        Tensor rows = distill.backward();
        Tensor targets = distill.teacherBackward();
        for (long i = 0; i < z.size(); i++) {
            assertEquals(dz.getDouble(i), rows.getDouble(i) + targets.getDouble(i), 1e-12);
        }
        // only the first N_t rows of the teacher are targets; the rest get nothing
        int targetRows = 2 * 4;
        for (int r = targetRows; r < z.rows(); r++) {
            for (int k = 0; k < z.cols(); k++) {
                assertEquals(0.0, targets.get(r, k), "teacher row " + r + " is not a target");
            }
        }
    }

    @Test
    void theLossIsACrossEntropyBoundedBelowByTheTargetsEntropy() {
        // −Σ P log Q ≥ −Σ P log P ≥ 0 for every row, so the loss is positive
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 5; trial++) {
            Tensor z = BamCases.gaussian(random, 3 * 5, 4);
            double loss = base().largeCrops(2).localCrops(1).build().forward(z).loss();
            assertTrue(loss > 0 && Double.isFinite(loss), "loss " + loss);
        }
    }

    @Test
    void float32InputGivesFloat32GradientsEqualToTheFloat64Ones() {
        SplittableRandom random = new SplittableRandom(3);
        Tensor z = BamCases.views(random, 2, 6, 8, 0.5);
        BamLoss inputPrecision = BamLoss.builder().device(Device.REFERENCE).build();
        BamResult r32 = inputPrecision.forward(z.to(DType.FLOAT32));
        BamResult r64 = inputPrecision.forward(z);
        assertSame(DType.FLOAT32, r32.backward().dtype());
        assertSame(DType.FLOAT64, r64.backward().dtype());
        assertEquals(r64.loss(), r32.loss(), 1e-5 * r64.loss());
    }

    @Test
    void extremeNormsAndSmallRegStayFinite() {
        SplittableRandom random = new SplittableRandom(9);
        Tensor z = BamCases.views(random, 2, 5, 4, 0.5);
        double[] values = z.toDoubleArray();
        for (int k = 0; k < 4; k++) {
            values[k] *= 1e-30;
            values[4 + k] *= 1e30;
        }
        for (double reg : new double[] {1e-3, 0.05, 10}) {
            BamResult r = base().largeCrops(2).reg(reg).iterations(200).build().forward(Tensor.of(values, 10, 4));
            assertTrue(Double.isFinite(r.loss()), "loss at reg " + reg);
            Tensor dz = r.backward();
            for (long i = 0; i < dz.size(); i++) {
                assertTrue(Double.isFinite(dz.getDouble(i)), "dz at " + i + " for reg " + reg);
            }
        }
    }

    @Test
    void allZeroRowsAndDuplicatedRowsStayFinite() {
        double[] values = new double[4 * 3];
        values[3] = 1;   // row 1 = (1, 0, 0); rows 0 and 2 zero; row 3 duplicates row 1
        values[9] = 1;
        BamResult r = base().largeCrops(2).topK(1).build().forward(Tensor.of(values, 4, 3));
        assertTrue(Double.isFinite(r.loss()));
        Tensor dz = r.backward();
        for (long i = 0; i < dz.size(); i++) {
            assertTrue(Double.isFinite(dz.getDouble(i)), "dz at " + i);
        }
    }

    @Test
    void plainResultHasNoTeacherGradient() {
        BamResult r = base().build().forward(BamCases.gaussian(new SplittableRandom(1), 6, 3));
        assertThrows(IllegalStateException.class, r::teacherBackward);
    }

    private static int[] permutation(SplittableRandom random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}

package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.junit.jupiter.api.Test;

/**
 * The operand orders of the cuBLAS calls, without a GPU: each {@link Gemm.Call} is evaluated with cuBLAS's
 * column-major semantics on the CPU over a fake device memory, and the result compared with the row-major
 * product the caller means.
 */
class GemmTest {
    private static final float TOL = 1e-4f;

    /** Float arrays standing in for device buffers: buffer k starts at address k·2^40. */
    private static final class Memory {
        final List<float[]> buffers = new ArrayList<>();

        View add(float[] values) {
            buffers.add(values);
            return new View((long) buffers.size() << 40);
        }

        float[] of(View base) {
            return buffers.get((int) (base.address() >> 40) - 1);
        }

        /** The float at element {@code index} after address {@code at}. */
        float get(View at, long index) {
            return of(at)[(int) ((at.address() & ((1L << 40) - 1)) / 4 + index)];
        }

        void set(View at, long index, float value) {
            of(at)[(int) ((at.address() & ((1L << 40) - 1)) / 4 + index)] = value;
        }

        /** cublasSgemm(StridedBatched) as cuBLAS defines it: column-major, op applied to the stored matrices. */
        void run(Gemm.Call g) {
            for (int batch = 0; batch < g.batch(); batch++) {
                View a = g.a().plus(batch * g.strideA());
                View b = g.b().plus(batch * g.strideB());
                View c = g.c().plus(batch * g.strideC());
                for (int i = 0; i < g.m(); i++) {
                    for (int j = 0; j < g.n(); j++) {
                        double acc = 0;
                        for (int l = 0; l < g.k(); l++) {
                            float av = g.transA() ? get(a, l + (long) i * g.lda()) : get(a, i + (long) l * g.lda());
                            float bv = g.transB() ? get(b, j + (long) l * g.ldb()) : get(b, l + (long) j * g.ldb());
                            acc += (double) av * bv;
                        }
                        long at = i + (long) j * g.ldc();
                        float old = g.beta() == 0f ? 0f : g.beta() * get(c, at);
                        set(c, at, (float) (g.alpha() * acc) + old);
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom r, int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Row-major element (i, j) of a matrix with row length ld, transposed when asked. */
    private static float at(float[] x, int offset, int ld, boolean transpose, int i, int j) {
        return transpose ? x[offset + j * ld + i] : x[offset + i * ld + j];
    }

    @Test
    void gramIsFeaturesTimesTheirTransposePerSet() {
        SplittableRandom r = new SplittableRandom(1);
        int sets = 3;
        int n = 5;
        int d = 4;
        Memory mem = new Memory();
        float[] f = random(r, sets * n * d);
        View fv = mem.add(f);
        View out = mem.add(new float[sets * n * n]);
        mem.run(Gemm.gramCall(fv, out, sets, n, d));
        for (int b = 0; b < sets; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double expected = 0;
                    for (int k = 0; k < d; k++) {
                        expected += f[(b * n + i) * d + k] * f[(b * n + j) * d + k];
                    }
                    assertEquals(expected, mem.of(out)[(b * n + i) * n + j], TOL, "Gram set " + b + " (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void matrixTimesFeaturesAppliesMOrItsTransposeAndAccumulates() {
        SplittableRandom r = new SplittableRandom(2);
        int sets = 2;
        int n = 4;
        int d = 3;
        for (boolean transpose : new boolean[] {false, true}) {
            Memory mem = new Memory();
            float[] m = random(r, sets * n * n);
            float[] f = random(r, sets * n * d);
            float[] before = random(r, sets * n * d);
            View out = mem.add(before.clone());
            mem.run(Gemm.matrixTimesFeaturesCall(mem.add(m), transpose, mem.add(f), out, -1.5f, 0.5f, sets, n, d));
            for (int b = 0; b < sets; b++) {
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < d; k++) {
                        double acc = 0;
                        for (int j = 0; j < n; j++) {
                            acc += at(m, b * n * n, n, transpose, i, j) * f[(b * n + j) * d + k];
                        }
                        int e = (b * n + i) * d + k;
                        assertEquals(-1.5 * acc + 0.5 * before[e], mem.of(out)[e], TOL,
                                (transpose ? "Mᵀ" : "M") + "·F set " + b + " (" + i + ", " + k + ")");
                    }
                }
            }
        }
    }

    @Test
    void rowMajorProductsWithEveryTransposeAndRowLengthsWiderThanTheMatrix() {
        SplittableRandom r = new SplittableRandom(3);
        int m = 5;
        int p = 3;
        int k = 4;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Memory mem = new Memory();
                // stored A is m×k (or k×m) with row length lda ≥ its columns; the same for B and C
                int lda = (ta ? m : k) + 2;
                int ldb = (tb ? k : p) + 1;
                int ldc = p + 3;
                float[] a = random(r, (ta ? k : m) * lda);
                float[] b = random(r, (tb ? p : k) * ldb);
                float[] c = random(r, m * ldc);
                float[] before = c.clone();
                View cv = mem.add(c);
                mem.run(Gemm.rowMajorCall(ta, tb, m, p, k, 2f, mem.add(a), lda, mem.add(b), ldb, 1f, cv, ldc, "test"));
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < ldc; j++) {
                        double expected = before[i * ldc + j];
                        if (j < p) {
                            double acc = 0;
                            for (int l = 0; l < k; l++) {
                                acc += at(a, 0, lda, ta, i, l) * at(b, 0, ldb, tb, l, j);
                            }
                            expected += 2 * acc;
                        }
                        assertEquals(expected, mem.of(cv)[i * ldc + j], TOL,
                                "op(A)·op(B), transA " + ta + " transB " + tb + " at (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    /** The three products of the BAM pass, as CudaBam calls them, on N = 6 rows, N_t = 4 targets, d = 3. */
    @Test
    void theBamProductsAreWhatSpec4Asks() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 6;
        int nt = 4;
        int d = 3;
        Memory mem = new Memory();
        float[] unit = random(r, n * d);
        float[] gq = random(r, n * nt);
        View u = mem.add(unit);
        View q = mem.add(new float[n * nt]);
        View g = mem.add(gq);
        View gradUnit = mem.add(new float[n * d]);
        mem.run(Gemm.rowMajorCall(false, true, n, nt, d, 1f, u, d, u, d, 0f, q, nt, "Q"));
        mem.run(Gemm.rowMajorCall(false, false, n, d, nt, 1f, g, nt, u, d, 0f, gradUnit, d, "∂Q·Tg"));
        mem.run(Gemm.rowMajorCall(true, false, nt, d, n, 1f, g, nt, u, d, 1f, gradUnit, d, "∂Qᵀ·ẑ"));
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < nt; c++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += unit[i * d + k] * unit[c * d + k];
                }
                assertEquals(dot, mem.of(q)[i * nt + c], TOL, "Q = ẑ·Tgᵀ at (" + i + ", " + c + ")");
            }
            for (int k = 0; k < d; k++) {
                double expected = 0;
                for (int c = 0; c < nt; c++) {
                    expected += gq[i * nt + c] * unit[c * d + k];
                }
                if (i < nt) {
                    for (int row = 0; row < n; row++) {
                        expected += gq[row * nt + i] * unit[row * d + k];
                    }
                }
                assertEquals(expected, mem.of(gradUnit)[i * d + k], TOL, "∂ẑ at (" + i + ", " + k + ")");
            }
        }
    }
}

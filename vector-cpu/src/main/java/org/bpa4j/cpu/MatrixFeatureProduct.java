package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Y = M·X for a square M (n×n, row-major) and features X (n×dp, row-major, dp a multiple of the vector
 * length): the GEMM of the backward pass that takes ∂L/∂C back to the features. Register tiles over K
 * blocks of X that stay in cache, sized to the CPU's registers ({@link RegisterFile}): 4 rows × 4 vectors
 * (16 accumulators, 21 registers) where it has 32, 6 rows × 2 vectors (12 accumulators, 15 registers) where
 * it has 16. Each row of Y belongs to one task and sums over k in one fixed order whatever the tile, so the
 * result does not depend on the threads or the tile.
 */
final class MatrixFeatureProduct {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    private static final boolean WIDE = RegisterFile.VECTOR_REGISTERS >= 32;
    /** Tile rows and vectors. */
    private static final int TR = WIDE ? 4 : 6;
    private static final int TV = WIDE ? 4 : 2;
    /** A multiple of TR: n = 1000 makes 16 tasks either way. */
    private static final int ROWS_PER_TASK = WIDE ? 64 : 66;
    private static final int KC = 256;

    private MatrixFeatureProduct() {
    }

    /** Pads each row of x (n×d) to dp columns with zeros. */
    static int paddedWidth(int columns) {
        return (columns + L - 1) / L * L;
    }

    static float[] multiply(float[] mat, int n, float[] x, int dp, ThreadTeam team) {
        if (dp % L != 0) {
            throw new IllegalStateException("MatrixFeatureProduct: width " + dp + " is not a multiple of " + L);
        }
        float[] y = new float[n * dp];
        int tasks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        team.forEach(tasks, t -> {
            int r0 = t * ROWS_PER_TASK;
            int r1 = Math.min(n, r0 + ROWS_PER_TASK);
            for (int k0 = 0; k0 < n; k0 += KC) {
                int k1 = Math.min(n, k0 + KC);
                int c0 = 0;
                for (; c0 + TV * L <= dp; c0 += TV * L) {
                    int i = r0;
                    for (; i + TR <= r1; i += TR) {
                        if (WIDE) {
                            kernel4x4(mat, n, i, k0, k1, x, dp, c0, y);
                        } else {
                            kernel6x2(mat, n, i, k0, k1, x, dp, c0, y);
                        }
                    }
                    for (; i < r1; i++) {
                        for (int c = c0; c < c0 + TV * L; c += L) {
                            kernel1x1(mat, n, i, k0, k1, x, dp, c, y);
                        }
                    }
                }
                for (; c0 < dp; c0 += L) {
                    for (int i = r0; i < r1; i++) {
                        kernel1x1(mat, n, i, k0, k1, x, dp, c0, y);
                    }
                }
            }
        });
        return y;
    }

    private static void kernel4x4(float[] mat, int n, int i, int k0, int k1, float[] x, int dp, int c0, float[] y) {
        int y0 = i * dp + c0;
        int y1 = y0 + dp;
        int y2 = y1 + dp;
        int y3 = y2 + dp;
        FloatVector a00 = FloatVector.fromArray(F, y, y0);
        FloatVector a01 = FloatVector.fromArray(F, y, y0 + L);
        FloatVector a02 = FloatVector.fromArray(F, y, y0 + 2 * L);
        FloatVector a03 = FloatVector.fromArray(F, y, y0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, y, y1);
        FloatVector a11 = FloatVector.fromArray(F, y, y1 + L);
        FloatVector a12 = FloatVector.fromArray(F, y, y1 + 2 * L);
        FloatVector a13 = FloatVector.fromArray(F, y, y1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, y, y2);
        FloatVector a21 = FloatVector.fromArray(F, y, y2 + L);
        FloatVector a22 = FloatVector.fromArray(F, y, y2 + 2 * L);
        FloatVector a23 = FloatVector.fromArray(F, y, y2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, y, y3);
        FloatVector a31 = FloatVector.fromArray(F, y, y3 + L);
        FloatVector a32 = FloatVector.fromArray(F, y, y3 + 2 * L);
        FloatVector a33 = FloatVector.fromArray(F, y, y3 + 3 * L);
        int m0 = i * n;
        int m1 = m0 + n;
        int m2 = m1 + n;
        int m3 = m2 + n;
        for (int k = k0; k < k1; k++) {
            int xo = k * dp + c0;
            FloatVector b0 = FloatVector.fromArray(F, x, xo);
            FloatVector b1 = FloatVector.fromArray(F, x, xo + L);
            FloatVector b2 = FloatVector.fromArray(F, x, xo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, x, xo + 3 * L);
            FloatVector s = FloatVector.broadcast(F, mat[m0 + k]);
            a00 = s.fma(b0, a00);
            a01 = s.fma(b1, a01);
            a02 = s.fma(b2, a02);
            a03 = s.fma(b3, a03);
            s = FloatVector.broadcast(F, mat[m1 + k]);
            a10 = s.fma(b0, a10);
            a11 = s.fma(b1, a11);
            a12 = s.fma(b2, a12);
            a13 = s.fma(b3, a13);
            s = FloatVector.broadcast(F, mat[m2 + k]);
            a20 = s.fma(b0, a20);
            a21 = s.fma(b1, a21);
            a22 = s.fma(b2, a22);
            a23 = s.fma(b3, a23);
            s = FloatVector.broadcast(F, mat[m3 + k]);
            a30 = s.fma(b0, a30);
            a31 = s.fma(b1, a31);
            a32 = s.fma(b2, a32);
            a33 = s.fma(b3, a33);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a02.intoArray(y, y0 + 2 * L);
        a03.intoArray(y, y0 + 3 * L);
        a10.intoArray(y, y1);
        a11.intoArray(y, y1 + L);
        a12.intoArray(y, y1 + 2 * L);
        a13.intoArray(y, y1 + 3 * L);
        a20.intoArray(y, y2);
        a21.intoArray(y, y2 + L);
        a22.intoArray(y, y2 + 2 * L);
        a23.intoArray(y, y2 + 3 * L);
        a30.intoArray(y, y3);
        a31.intoArray(y, y3 + L);
        a32.intoArray(y, y3 + 2 * L);
        a33.intoArray(y, y3 + 3 * L);
    }

    private static void kernel6x2(float[] mat, int n, int i, int k0, int k1, float[] x, int dp, int c0, float[] y) {
        int y0 = i * dp + c0;
        int y1 = y0 + dp;
        int y2 = y1 + dp;
        int y3 = y2 + dp;
        int y4 = y3 + dp;
        int y5 = y4 + dp;
        FloatVector a00 = FloatVector.fromArray(F, y, y0);
        FloatVector a01 = FloatVector.fromArray(F, y, y0 + L);
        FloatVector a10 = FloatVector.fromArray(F, y, y1);
        FloatVector a11 = FloatVector.fromArray(F, y, y1 + L);
        FloatVector a20 = FloatVector.fromArray(F, y, y2);
        FloatVector a21 = FloatVector.fromArray(F, y, y2 + L);
        FloatVector a30 = FloatVector.fromArray(F, y, y3);
        FloatVector a31 = FloatVector.fromArray(F, y, y3 + L);
        FloatVector a40 = FloatVector.fromArray(F, y, y4);
        FloatVector a41 = FloatVector.fromArray(F, y, y4 + L);
        FloatVector a50 = FloatVector.fromArray(F, y, y5);
        FloatVector a51 = FloatVector.fromArray(F, y, y5 + L);
        int m0 = i * n;
        int m1 = m0 + n;
        int m2 = m1 + n;
        int m3 = m2 + n;
        int m4 = m3 + n;
        int m5 = m4 + n;
        for (int k = k0; k < k1; k++) {
            int xo = k * dp + c0;
            FloatVector b0 = FloatVector.fromArray(F, x, xo);
            FloatVector b1 = FloatVector.fromArray(F, x, xo + L);
            FloatVector s = FloatVector.broadcast(F, mat[m0 + k]);
            a00 = s.fma(b0, a00);
            a01 = s.fma(b1, a01);
            s = FloatVector.broadcast(F, mat[m1 + k]);
            a10 = s.fma(b0, a10);
            a11 = s.fma(b1, a11);
            s = FloatVector.broadcast(F, mat[m2 + k]);
            a20 = s.fma(b0, a20);
            a21 = s.fma(b1, a21);
            s = FloatVector.broadcast(F, mat[m3 + k]);
            a30 = s.fma(b0, a30);
            a31 = s.fma(b1, a31);
            s = FloatVector.broadcast(F, mat[m4 + k]);
            a40 = s.fma(b0, a40);
            a41 = s.fma(b1, a41);
            s = FloatVector.broadcast(F, mat[m5 + k]);
            a50 = s.fma(b0, a50);
            a51 = s.fma(b1, a51);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a10.intoArray(y, y1);
        a11.intoArray(y, y1 + L);
        a20.intoArray(y, y2);
        a21.intoArray(y, y2 + L);
        a30.intoArray(y, y3);
        a31.intoArray(y, y3 + L);
        a40.intoArray(y, y4);
        a41.intoArray(y, y4 + L);
        a50.intoArray(y, y5);
        a51.intoArray(y, y5 + L);
    }

    private static void kernel1x1(float[] mat, int n, int i, int k0, int k1, float[] x, int dp, int c, float[] y) {
        int yo = i * dp + c;
        FloatVector acc = FloatVector.fromArray(F, y, yo);
        int m0 = i * n;
        for (int k = k0; k < k1; k++) {
            acc = FloatVector.broadcast(F, mat[m0 + k]).fma(FloatVector.fromArray(F, x, k * dp + c), acc);
        }
        acc.intoArray(y, yo);
    }
}

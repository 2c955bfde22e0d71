package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * G = A·Aᵀ for A (n×d, row-major) as a blocked, register-tiled GEMM that computes only the blocks on and
 * above the diagonal and mirrors the rest, tile by tile as each is finished. Each element goes through an {@link Epilogue} on its way out,
 * so the cost (or the distance) is written straight into the n×n buffer without a second pass.
 *
 * <p>Both operands are packed once per call: B panels of NR = 2 vectors of columns (k-major) and A panels of
 * MR rows (k-major). The micro-kernel keeps an MR×NR tile in 2·MR vector registers over a K block, with
 * the two B vectors and one broadcast beside it: MR = 8 (19 registers) where the CPU has 32 ({@link
 * RegisterFile}) and vectors of 8 lanes or more, 6 (15) with 32 registers and 4 lanes (NEON), and 4 (11)
 * wherever there are 16, around whose 6-row tile C2 spilled (BENCHMARKS.md §0.5). Every element is
 * computed by one task with one fixed order over k whatever the tile, so results do not depend on the
 * threads or the tile; and since a_ik·a_jk = a_jk·a_ik exactly, G is exactly symmetric.
 */
final class SymmetricGram {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    static final int MR = RegisterFile.VECTOR_REGISTERS < 32 ? 4 : L >= 8 ? 8 : 6;
    static final int NR = 2 * L;
    /** Rows per task: a multiple of MR and of NR, so that a task's first column block starts at its first row. */
    static final int MC = multipleOfBoth(MR, NR, 64);
    static final int KC = 256;

    /** Writes the finished values of G_ij for j in [j0, j0+len) of row i. */
    interface Epilogue {
        void store(int i, int j0, float[] src, int srcOffset, int len, float[] out, int outOffset);
    }

    private SymmetricGram() {
    }

    /** out[i·n + j] = epilogue(Σ_k a_ik a_jk) for all i, j. */
    static void compute(float[] a, int n, int d, float[] out, Epilogue epilogue, ThreadTeam team) {
        int colBlocks = (n + NR - 1) / NR;
        int rowBlocks = (n + MR - 1) / MR;
        float[] bp = new float[colBlocks * NR * d];
        float[] ap = new float[rowBlocks * MR * d];
        team.forEach(colBlocks, jb -> pack(a, n, d, jb * NR, NR, bp, jb * NR * d));
        team.forEach(rowBlocks, ib -> pack(a, n, d, ib * MR, MR, ap, ib * MR * d));
        int panels = (n + MC - 1) / MC;
        team.forEach(panels, p -> {
            float[] tile = new float[MR * NR];
            int i0 = p * MC;
            int i1 = Math.min(n, i0 + MC);
            for (int jb = i0 / NR; jb < colBlocks; jb++) {
                int j0 = jb * NR;
                int cols = Math.min(NR, n - j0);
                for (int ib = i0 / MR; ib * MR < i1; ib++) {
                    for (int k0 = 0; k0 < d; k0 += KC) {
                        int kc = Math.min(KC, d - k0);
                        kernel(ap, ib * MR * d + k0 * MR, bp, jb * NR * d + k0 * NR, kc, tile, k0 == 0);
                    }
                    int r0 = ib * MR;
                    for (int r = 0; r < MR && r0 + r < n; r++) {
                        int i = r0 + r;
                        epilogue.store(i, j0, tile, r * NR, cols, out, i * n + j0);
                    }
                    if (j0 >= i1) {
                        // a block no later panel computes: its mirror image is written now, while in L1
                        mirrorTile(out, n, r0, Math.min(MR, n - r0), j0, cols);
                    }
                }
            }
        });
    }

    /** The smallest multiple of both a and b that is at least min. */
    private static int multipleOfBoth(int a, int b, int min) {
        int lcm = a;
        while (lcm % b != 0) {
            lcm += a;
        }
        return (min + lcm - 1) / lcm * lcm;
    }

    /**
     * out[j][i] = out[i][j] for the tile's rows i in [r0, r0+rows) and columns j in [j0, j0+cols): a scalar
     * copy, MR·NR moves against the tile's MR·NR·d FMAs. (A gather of each column was tried with 8-row
     * tiles: on a Zen 4 its index check ran as Java code, and the whole forward at n = 4096 took 6–8×
     * longer; BENCHMARKS.md §0.0.) Panel p writes, below the diagonal, only the columns of its own rows,
     * which no other task writes.
     */
    private static void mirrorTile(float[] out, int n, int r0, int rows, int j0, int cols) {
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                out[(j0 + c) * n + r0 + r] = out[(r0 + r) * n + j0 + c];
            }
        }
    }

    /**
     * Σ_k a_ik² with exactly the arithmetic the GEMM uses for G_ii (fma chain per K block, blocks added
     * in order), so that identical rows give identical G_ij, G_ii and G_jj.
     */
    static float[] diagonal(float[] a, int n, int d) {
        float[] out = new float[n + RowKernels.PAD];
        for (int i = 0; i < n; i++) {
            float total = 0;
            for (int k0 = 0; k0 < d; k0 += KC) {
                int kc = Math.min(KC, d - k0);
                float acc = 0;
                for (int k = k0; k < k0 + kc; k++) {
                    float x = a[i * d + k];
                    acc = Math.fma(x, x, acc);
                }
                total = k0 == 0 ? acc : total + acc;
            }
            out[i] = total;
        }
        return out;
    }

    /** Packs rows [r0, r0+width) of a, k-major: dst[off + k·width + r] = a[(r0+r)·d + k] (0 past n). */
    static void pack(float[] a, int n, int d, int r0, int width, float[] dst, int off) {
        for (int r = 0; r < width; r++) {
            int row = r0 + r;
            if (row >= n) {
                continue;
            }
            for (int k = 0; k < d; k++) {
                dst[off + k * width + r] = a[row * d + k];
            }
        }
    }

    /** An MR×NR tile over kc steps of k (the micro-kernel this CPU's register file takes); stored or added. */
    static void kernel(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile, boolean first) {
        if (MR == 8) {
            kernel8(ap, ao, bp, bo, kc, tile, first);
        } else if (MR == 4) {
            kernel4(ap, ao, bp, bo, kc, tile, first);
        } else {
            kernel6(ap, ao, bp, bo, kc, tile, first);
        }
    }

    /** An 8×NR tile over kc steps of k; stored into the tile, or added to it after the first K block. */
    private static void kernel8(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile, boolean first) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int k = 0; k < kc; k++, ao += 8, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + L);
            FloatVector x = FloatVector.broadcast(F, ap[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, ap[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, ap[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F, ap[ao + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F, ap[ao + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        store(c00, tile, 0, first);
        store(c01, tile, L, first);
        store(c10, tile, NR, first);
        store(c11, tile, NR + L, first);
        store(c20, tile, 2 * NR, first);
        store(c21, tile, 2 * NR + L, first);
        store(c30, tile, 3 * NR, first);
        store(c31, tile, 3 * NR + L, first);
        store(c40, tile, 4 * NR, first);
        store(c41, tile, 4 * NR + L, first);
        store(c50, tile, 5 * NR, first);
        store(c51, tile, 5 * NR + L, first);
        store(c60, tile, 6 * NR, first);
        store(c61, tile, 6 * NR + L, first);
        store(c70, tile, 7 * NR, first);
        store(c71, tile, 7 * NR + L, first);
    }

    /** A 6×NR tile over kc steps of k (15 vector registers); as {@link #kernel8}. */
    private static void kernel6(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile, boolean first) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int k = 0; k < kc; k++, ao += 6, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + L);
            FloatVector x = FloatVector.broadcast(F, ap[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, ap[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, ap[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        store(c00, tile, 0, first);
        store(c01, tile, L, first);
        store(c10, tile, NR, first);
        store(c11, tile, NR + L, first);
        store(c20, tile, 2 * NR, first);
        store(c21, tile, 2 * NR + L, first);
        store(c30, tile, 3 * NR, first);
        store(c31, tile, 3 * NR + L, first);
        store(c40, tile, 4 * NR, first);
        store(c41, tile, 4 * NR + L, first);
        store(c50, tile, 5 * NR, first);
        store(c51, tile, 5 * NR + L, first);
    }

    /**
     * A 4×NR tile over kc steps of k (11 vector registers), for 256-bit vectors with 16 registers: C2 spills
     * around the 6-row tile's 15 there (one thread's Gram at 24 % of the FMA peak under AVX2 on a Zen 4, against
     * 40–50 % with this tile, BENCHMARKS.md §0.5); as {@link #kernel8}.
     */
    private static void kernel4(float[] ap, int ao, float[] bp, int bo, int kc, float[] tile, boolean first) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int k = 0; k < kc; k++, ao += 4, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + L);
            FloatVector x = FloatVector.broadcast(F, ap[ao]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, tile, 0, first);
        store(c01, tile, L, first);
        store(c10, tile, NR, first);
        store(c11, tile, NR + L, first);
        store(c20, tile, 2 * NR, first);
        store(c21, tile, 2 * NR + L, first);
        store(c30, tile, 3 * NR, first);
        store(c31, tile, 3 * NR + L, first);
    }

    private static void store(FloatVector c, float[] tile, int off, boolean first) {
        if (first) {
            c.intoArray(tile, off);
        } else {
            c.add(FloatVector.fromArray(F, tile, off)).intoArray(tile, off);
        }
    }
}

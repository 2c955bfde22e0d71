package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A·B (m×k times k×n, float32) as a packed, register-tiled GEMM for the products of the BAM loss,
 * whose operands come in either orientation: A as stored rows (m×k) or as its transpose (k×m), B as
 * stored rows (k×n) or as its transpose (n×k, the usual A·Bᵀ of a similarity matrix).
 *
 * <p>Both operands are packed k-major once per call: A in panels of MR rows, B in panels of NR = 2 vectors
 * of columns. The tile is sized for the register file ({@link RegisterFile}): MR×NR accumulators plus two
 * B vectors and one broadcast must fit, so MR = 8 with 32 vector registers and vectors of 8 lanes or more,
 * 6 with 32 registers and 4 lanes (NEON), and 4 with 16 (AVX2, SSE), where C2 spilled around the 6-row
 * tile's 15 registers and the product ran at half the speed (BENCHMARKS.md §0.0). A task owns a block of
 * MC rows × NC columns of C (its A block and B block stay in L2 over a K block of KC) and sums over k in one
 * fixed order, so C does not depend on the threads.
 */
final class TileGemm {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    static final int NR = 2 * L;
    static final int MR = RegisterFile.VECTOR_REGISTERS < 32 ? 4 : L >= 8 ? 8 : 6;
    private static final int KC = 256;
    /** Rows and columns of C per task. */
    private static final int MC = 16 * MR;
    private static final int NC = Math.max(128, NR * 4);

    private TileGemm() {
    }

    /**
     * C = A·B, m×n row-major.
     *
     * @param a A (m×k), or Aᵀ (k×m) when {@code aTransposed}
     * @param b B (k×n), or Bᵀ (n×k) when {@code bTransposed}
     */
    static float[] multiply(float[] a, boolean aTransposed, float[] b, boolean bTransposed, int m, int n, int k,
            ThreadTeam team) {
        int rowPanels = (m + MR - 1) / MR;
        int colPanels = (n + NR - 1) / NR;
        int mp = rowPanels * MR;
        int np = colPanels * NR;
        float[] ap = new float[mp * k];
        float[] bp = new float[np * k];
        team.forEach(rowPanels, p -> packA(a, aTransposed, m, k, p * MR, ap, p * MR * k));
        team.forEach(colPanels, p -> packB(b, bTransposed, n, k, p * NR, bp, p * NR * k));
        float[] c = new float[mp * np];
        int rowTasks = (mp + MC - 1) / MC;
        int colTasks = (np + NC - 1) / NC;
        team.forEach(rowTasks * colTasks, t -> {
            int i0 = t / colTasks * MC;
            int i1 = Math.min(mp, i0 + MC);
            int j0 = t % colTasks * NC;
            int j1 = Math.min(np, j0 + NC);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                boolean first = k0 == 0;
                for (int j = j0; j < j1; j += NR) {
                    int bo = j * k + k0 * NR;
                    for (int i = i0; i < i1; i += MR) {
                        int ao = i * k + k0 * MR;
                        if (MR == 8) {
                            kernel8(ap, ao, bp, bo, kc, c, i * np + j, np, first);
                        } else if (MR == 4) {
                            kernel4(ap, ao, bp, bo, kc, c, i * np + j, np, first);
                        } else {
                            kernel6(ap, ao, bp, bo, kc, c, i * np + j, np, first);
                        }
                    }
                }
            }
        });
        if (mp == m && np == n) {
            return c;
        }
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(c, i * np, out, i * n, n);
        }
        return out;
    }

    /** Rows [r0, r0+MR) of A, k-major: dst[off + kk·MR + r] = A[r0+r][kk] (0 past m). */
    private static void packA(float[] a, boolean transposed, int m, int k, int r0, float[] dst, int off) {
        int rows = Math.min(MR, m - r0);
        if (transposed) {
            // a loop, not System.arraycopy: at MR floats a call, the calls' overhead was an eighth of a BAM step
            for (int kk = 0; kk < k; kk++) {
                int src = kk * m + r0;
                int to = off + kk * MR;
                for (int r = 0; r < rows; r++) {
                    dst[to + r] = a[src + r];
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int src = (r0 + r) * k;
                for (int kk = 0; kk < k; kk++) {
                    dst[off + kk * MR + r] = a[src + kk];
                }
            }
        }
    }

    /** Columns [c0, c0+NR) of B, k-major: dst[off + kk·NR + c] = B[kk][c0+c] (0 past n). */
    private static void packB(float[] b, boolean transposed, int n, int k, int c0, float[] dst, int off) {
        int cols = Math.min(NR, n - c0);
        if (transposed) {
            for (int c = 0; c < cols; c++) {
                int src = (c0 + c) * k;
                for (int kk = 0; kk < k; kk++) {
                    dst[off + kk * NR + c] = b[src + kk];
                }
            }
        } else {
            for (int kk = 0; kk < k; kk++) {
                int src = kk * n + c0;
                int to = off + kk * NR;
                for (int c = 0; c < cols; c++) {
                    dst[to + c] = b[src + c];
                }
            }
        }
    }

    /** A 4×NR tile over kc steps of k, added to c (or stored there on the first K block). */
    private static void kernel4(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc,
            boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + L);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 1 * ldc);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 1 * ldc + L);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 2 * ldc);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 2 * ldc + L);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 3 * ldc);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 3 * ldc + L);
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
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
    }

    /** An 6×NR tile over kc steps of k, added to c (or stored there on the first K block). */
    private static void kernel6(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc,
            boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + L);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 1 * ldc);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 1 * ldc + L);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 2 * ldc);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 2 * ldc + L);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 3 * ldc);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 3 * ldc + L);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 4 * ldc);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 4 * ldc + L);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 5 * ldc);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 5 * ldc + L);
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
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
    }

    /** An 8×NR tile over kc steps of k, added to c (or stored there on the first K block). */
    private static void kernel8(float[] ap, int ao, float[] bp, int bo, int kc, float[] c, int co, int ldc,
            boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + L);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 1 * ldc);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 1 * ldc + L);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 2 * ldc);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 2 * ldc + L);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 3 * ldc);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 3 * ldc + L);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 4 * ldc);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 4 * ldc + L);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 5 * ldc);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 5 * ldc + L);
        FloatVector c60 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 6 * ldc);
        FloatVector c61 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 6 * ldc + L);
        FloatVector c70 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 7 * ldc);
        FloatVector c71 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, c, co + 7 * ldc + L);
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
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }
}

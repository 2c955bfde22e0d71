package org.bpa4j.cpu;

/**
 * In-place G ← f(G + Gᵀ) for a square gradient, the step that turns ∂L/∂logK into the symmetric matrix the
 * cost's backward GEMM needs (a cost C_ij that depends on x_i and x_j symmetrically receives both G_ij and
 * G_ji). Works on 64×64 block pairs copied to local tiles by contiguous row segments (a column walk with a
 * power-of-two row length would hit one cache set); task I owns the pairs (I, J ≥ I), so no two tasks touch
 * one element.
 */
final class TransposeSum {
    private static final int BLOCK = 64;

    private TransposeSum() {
    }

    /** The pair function: the new g_ij (= new g_ji) from g_ij, g_ji and logK_ij. */
    private interface Pair {
        float apply(float gij, float gji, float logKij);
    }

    /** g_ij ← g_ij + g_ji; the diagonal becomes 2 g_ii, or 0 where it was masked. */
    static void cosine(float[] g, int n, boolean maskDiagonal, ThreadTeam team) {
        run(g, null, n, (a, b, lk) -> a + b, maskDiagonal ? 0f : Float.NaN, null, team);
    }

    /**
     * For the euclidean cost, where D_ij = logK_ij · (−ε·max): g_ij ← (g_ij + g_ji) · scale / logK_ij, 0 where
     * D_ij = 0 and on the diagonal. Returns Σ_{i≠j} g_ij · logK_ij of the g given, summed in a fixed order.
     */
    static double euclidean(float[] g, BpaPlan logK, int n, float scale, ThreadTeam team) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        run(g, logK, n, (a, b, lk) -> lk == 0f ? 0f : (a + b) * scale / lk, 0f, partial, team);
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }

    /**
     * diagonal: the value for g_ii, or NaN for 2 g_ii. With {@code products}, product[bi] receives
     * Σ (g_ij + g_ji)·logK_ij over task bi's pairs i &lt; j.
     */
    private static void run(float[] g, BpaPlan logK, int n, Pair pair, float diagonal, double[] products,
            ThreadTeam team) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        team.forEach(blocks, bi -> {
            float[] upper = new float[BLOCK * BLOCK];
            float[] lower = new float[BLOCK * BLOCK];
            float[] kernel = logK == null ? null : new float[BLOCK * BLOCK];
            int i0 = bi * BLOCK;
            int h = Math.min(BLOCK, n - i0);
            double acc = 0;
            for (int j0 = i0; j0 < n; j0 += BLOCK) {
                int w = Math.min(BLOCK, n - j0);
                copyIn(g, n, i0, h, j0, w, upper);
                copyIn(g, n, j0, w, i0, h, lower);
                if (kernel != null) {
                    for (int r = 0; r < h; r++) {
                        for (int c = 0; c < w; c++) {
                            kernel[r * BLOCK + c] = logK.logK((i0 + r) * n + j0 + c);
                        }
                    }
                }
                for (int r = 0; r < h; r++) {
                    double row = 0;
                    for (int c = j0 == i0 ? r + 1 : 0; c < w; c++) {
                        float gij = upper[r * BLOCK + c];
                        float gji = lower[c * BLOCK + r];
                        float lk = kernel == null ? 0f : kernel[r * BLOCK + c];
                        row += (double) (gij + gji) * lk;
                        float s = pair.apply(gij, gji, lk);
                        upper[r * BLOCK + c] = s;
                        lower[c * BLOCK + r] = s;
                    }
                    acc += row;
                }
                if (j0 == i0) {
                    // one tile: mirror the upper triangle just computed, then the diagonal
                    for (int r = 0; r < h; r++) {
                        for (int c = 0; c < r; c++) {
                            upper[r * BLOCK + c] = upper[c * BLOCK + r];
                        }
                        float gii = upper[r * BLOCK + r];
                        upper[r * BLOCK + r] = Float.isNaN(diagonal) ? 2f * gii : diagonal;
                    }
                    copyOut(upper, g, n, i0, h, j0, w);
                } else {
                    copyOut(upper, g, n, i0, h, j0, w);
                    copyOut(lower, g, n, j0, w, i0, h);
                }
            }
            if (products != null) {
                products[bi] = acc;
            }
        });
    }

    private static void copyIn(float[] g, int n, int r0, int rows, int c0, int cols, float[] tile) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(g, (r0 + r) * n + c0, tile, r * BLOCK, cols);
        }
    }

    private static void copyOut(float[] tile, float[] g, int n, int r0, int rows, int c0, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * BLOCK, g, (r0 + r) * n + c0, cols);
        }
    }
}

package org.bpa4j.cpu;

/**
 * In-place G ← f(G + Gᵀ) for a square gradient, the step that turns ∂L/∂logK into the symmetric matrix the
 * cost's backward GEMM needs (a cost C_ij that depends on x_i and x_j symmetrically receives both G_ij and
 * G_ji). Works on 64×64 block pairs; task I owns the pairs (I, J ≥ I), so no two tasks touch one element.
 */
final class TransposeSum {
    private static final int BLOCK = 64;

    private TransposeSum() {
    }

    /** g_ij ← g_ij + g_ji; the diagonal becomes 2 g_ii, or 0 where it was masked. */
    static void cosine(float[] g, int n, boolean maskDiagonal, ThreadTeam team) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        team.forEach(blocks, bi -> {
            int i0 = bi * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            for (int j0 = i0; j0 < n; j0 += BLOCK) {
                int j1 = Math.min(n, j0 + BLOCK);
                for (int i = i0; i < i1; i++) {
                    for (int j = Math.max(j0, i + 1); j < j1; j++) {
                        float s = g[i * n + j] + g[j * n + i];
                        g[i * n + j] = s;
                        g[j * n + i] = s;
                    }
                }
            }
            for (int i = i0; i < i1; i++) {
                g[i * n + i] = maskDiagonal ? 0f : 2f * g[i * n + i];
            }
        });
    }

    /**
     * For the euclidean cost, where D_ij = logK_ij · (−ε·max): g_ij ← (g_ij + g_ji) · scale / logK_ij, 0 where
     * D_ij = 0 and on the diagonal. Returns Σ_{i≠j} g_ij · logK_ij of the g given, summed in a fixed order.
     */
    static double euclidean(float[] g, BpaPlan logK, int n, float scale, ThreadTeam team) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        team.forEach(blocks, bi -> {
            int i0 = bi * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            double acc = 0;
            for (int j0 = i0; j0 < n; j0 += BLOCK) {
                int j1 = Math.min(n, j0 + BLOCK);
                for (int i = i0; i < i1; i++) {
                    double row = 0;
                    for (int j = Math.max(j0, i + 1); j < j1; j++) {
                        float lk = logK.logK(i * n + j);
                        float s = g[i * n + j] + g[j * n + i];
                        row += (double) s * lk;
                        float out = lk == 0f ? 0f : s * scale / lk;
                        g[i * n + j] = out;
                        g[j * n + i] = out;
                    }
                    acc += row;
                }
            }
            for (int i = i0; i < i1; i++) {
                g[i * n + i] = 0f;
            }
            partial[bi] = acc;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }
}

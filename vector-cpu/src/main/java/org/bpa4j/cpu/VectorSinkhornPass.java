package org.bpa4j.cpu;

import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;

/** Sinkhorn (docs/MATH.md §1) on a cost (n, m) or (B, n, m) with optional marginals, in float32. */
final class VectorSinkhornPass implements SinkhornPass {
    private final SinkhornOptions options;
    private final int[] shape;
    private final int sets;
    private final int n;
    private final int m;
    private final ThreadTeam team;
    private final boolean parallelSets;
    private final FusedLogSinkhorn[] perSet;
    private final int[] iterations;
    private final double[] errors;
    private final Tensor logPlan;
    private final Tensor u;
    private final Tensor v;

    VectorSinkhornPass(SinkhornOptions options, Tensor cost, Tensor a, Tensor b, ThreadTeam team) {
        this.options = options;
        this.shape = cost.shape();
        this.sets = cost.sets();
        this.n = cost.rows();
        this.m = cost.cols();
        this.team = team;
        this.parallelSets = VectorOperations.setsInParallel(sets, Math.max(n, m), team);
        ThreadTeam inner = parallelSets ? ThreadTeam.SEQUENTIAL : team;
        this.perSet = new FusedLogSinkhorn[sets];
        this.iterations = new int[sets];
        this.errors = new double[sets];
        DType precision = options.precision();
        this.logPlan = Tensor.zeros(precision, shape);
        this.u = Tensor.zeros(precision, cost.rank() == 3 ? new int[] {sets, n} : new int[] {n});
        this.v = Tensor.zeros(precision, cost.rank() == 3 ? new int[] {sets, m} : new int[] {m});
        TensorRows costRows = new TensorRows(cost);
        TensorRows planRows = new TensorRows(logPlan);
        float negInvReg = (float) (-1.0 / options.reg());
        forEachSet(s -> {
            float[] logK = new float[n * m];
            costRows.read((long) s * n * m, logK, 0, n * m);
            for (int k = 0; k < logK.length; k++) {
                logK[k] *= negInvReg;
            }
            FusedLogSinkhorn sk = new FusedLogSinkhorn(logK, n, m, logOf(a, s, n), logOf(b, s, m), inner);
            sk.run(options.iterations(), options.tolerance(), options.checkEvery(), true);
            perSet[s] = sk;
            iterations[s] = sk.iterations;
            errors[s] = sk.marginalError;
            double[] uf = sk.u.get(sk.iterations);
            double[] vf = sk.v.get(sk.iterations);
            for (int i = 0; i < n; i++) {
                u.setDouble((long) s * n + i, uf[i]);
            }
            for (int j = 0; j < m; j++) {
                v.setDouble((long) s * m + j, vf[j]);
            }
            if (precision == DType.FLOAT64) {
                double[] row = new double[m];
                for (int i = 0; i < n; i++) {
                    sk.logPlanRow(i, row);
                    planRows.write((long) s * n * m + (long) i * m, row, 0, m);
                }
            } else {
                float[] row = new float[m + RowKernels.PAD];
                for (int i = 0; i < n; i++) {
                    sk.logPlanRow(i, row);
                    planRows.write((long) s * n * m + (long) i * m, row, 0, m);
                }
            }
        });
    }

    private static double[] logOf(Tensor marginal, int set, int length) {
        if (marginal == null) {
            return null;
        }
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = Math.log(marginal.getDouble((long) set * length + i));
        }
        return out;
    }

    private void forEachSet(java.util.function.IntConsumer body) {
        if (parallelSets) {
            team.forEach(sets, body);
        } else {
            for (int s = 0; s < sets; s++) {
                body.accept(s);
            }
        }
    }

    @Override
    public Tensor logPlan() {
        return logPlan;
    }

    @Override
    public Tensor u() {
        return u;
    }

    @Override
    public Tensor v() {
        return v;
    }

    @Override
    public int[] iterations() {
        return iterations.clone();
    }

    @Override
    public double[] marginalError() {
        return errors.clone();
    }

    @Override
    public Tensor backward(Tensor gradLogPlan) {
        Tensor dc = Tensor.zeros(options.precision(), shape);
        TensorRows grad = new TensorRows(gradLogPlan);
        TensorRows out = new TensorRows(dc);
        float negInvReg = (float) (-1.0 / options.reg());
        forEachSet(s -> {
            FusedLogSinkhorn sk = perSet[s];
            float[] g = new float[n * m];
            grad.read((long) s * n * m, g, 0, n * m);
            double[][] sums = sk.rowAndColumnSums(g);
            sk.backward(g, sums[0], sums[1]);
            for (int k = 0; k < g.length; k++) {
                g[k] *= negInvReg;
            }
            out.write((long) s * n * m, g, 0, n * m);
        });
        return dc;
    }
}

package org.bpa4j.reference;

import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.spi.Availability;
import org.bpa4j.spi.BamOptions;
import org.bpa4j.spi.BamPass;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;
import org.bpa4j.spi.UnitMarginals;
import org.bpa4j.spi.Workload;

/**
 * The oracle: plain scalar Java in double precision, written to be read, not to be fast. Always
 * available. The fast backends are tested against it and against the authors' golden data.
 */
public final class ReferenceBackend implements Backend {
    @Override
    public Device device() {
        return Device.REFERENCE;
    }

    @Override
    public Availability availability() {
        return Availability.yes("scalar Java, float64, single-threaded");
    }

    @Override
    public String details() {
        return "scalar Java in double precision";
    }

    @Override
    public MemoryNeed memory(Workload call) {
        return ReferenceMemory.of(call);
    }

    @Override
    public BpaPass bpa(BpaOptions options, Tensor x, int[][] labels) {
        int sets = x.sets();
        int n = x.rows();
        int d = x.cols();
        ReferenceBpa[] perSet = new ReferenceBpa[sets];
        int[] outShape = x.rank() == 3 ? new int[] {sets, n, n} : new int[] {n, n};
        Tensor out = Tensor.zeros(options.precision(), outShape);
        for (int b = 0; b < sets; b++) {
            double[] xs = x.set(b).toDoubleArray();
            perSet[b] = new ReferenceBpa(options, xs, n, d, labels == null ? null : labels[b]);
            long base = (long) b * n * n;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    out.setDouble(base + (long) i * n + j, perSet[b].output(i, j));
                }
            }
        }
        int[] inShape = x.shape();
        return new BpaPass() {
            @Override
            public Tensor output() {
                return out;
            }

            @Override
            public Tensor backward(Tensor grad) {
                Tensor dx = Tensor.zeros(options.precision(), inShape);
                for (int b = 0; b < sets; b++) {
                    long base = (long) b * n * n;
                    double[] g = perSet[b].backward((i, j) -> grad.getDouble(base + (long) i * n + j));
                    long xBase = (long) b * n * d;
                    for (int k = 0; k < g.length; k++) {
                        dx.setDouble(xBase + k, g[k]);
                    }
                }
                return dx;
            }
        };
    }

    @Override
    public BlockKernel blockKernel(BpaOptions options, Tensor x) {
        return new ReferenceBlockKernel(options, x);
    }

    @Override
    public SinkhornPass sinkhorn(SinkhornOptions options, Tensor cost, Tensor a, Tensor b) {
        UnitMarginals.requireBalanced(cost, a, b, "ReferenceBackend.sinkhorn");
        int sets = cost.sets();
        int n = cost.rows();
        int m = cost.cols();
        LogSinkhorn[] perSet = new LogSinkhorn[sets];
        int[] iterations = new int[sets];
        double[] errors = new double[sets];
        Tensor logPlan = Tensor.zeros(options.precision(), cost.shape());
        Tensor u = Tensor.zeros(options.precision(), cost.rank() == 3 ? new int[] {sets, n} : new int[] {n});
        Tensor v = Tensor.zeros(options.precision(), cost.rank() == 3 ? new int[] {sets, m} : new int[] {m});
        for (int s = 0; s < sets; s++) {
            double[] c = cost.set(s).toDoubleArray();
            double[] logK = new double[n * m];
            for (int k = 0; k < logK.length; k++) {
                logK[k] = -c[k] / options.reg();
            }
            double[] logA = a == null ? null : logOf(a, s, n);
            double[] logB = b == null ? null : logOf(b, s, m);
            LogSinkhorn sk = new LogSinkhorn(logK, n, m, logA, logB, options.iterations(), options.tolerance(),
                    options.checkEvery());
            perSet[s] = sk;
            iterations[s] = sk.iterations;
            errors[s] = sk.marginalError;
            long base = (long) s * n * m;
            for (int i = 0; i < n; i++) {
                u.setDouble((long) s * n + i, sk.u[sk.iterations][i]);
                for (int j = 0; j < m; j++) {
                    logPlan.setDouble(base + (long) i * m + j, sk.logPlan(i, j));
                }
            }
            for (int j = 0; j < m; j++) {
                v.setDouble((long) s * m + j, sk.v[sk.iterations][j]);
            }
        }
        return new SinkhornPass() {
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
                return iterations;
            }

            @Override
            public double[] marginalError() {
                return errors;
            }

            @Override
            public Tensor backward(Tensor grad) {
                Tensor dc = Tensor.zeros(options.precision(), cost.shape());
                for (int s = 0; s < sets; s++) {
                    double[] g = grad.set(s).toDoubleArray();
                    double[] gLogK = perSet[s].backward(g);
                    long base = (long) s * n * m;
                    for (int k = 0; k < gLogK.length; k++) {
                        dc.setDouble(base + k, -gLogK[k] / options.reg());
                    }
                }
                return dc;
            }
        };
    }

    @Override
    public BamPass bam(BamOptions options, Tensor z, Tensor zTeacher) {
        return new ReferenceBam(options, z, zTeacher);
    }

    private static double[] logOf(Tensor marginal, int set, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = Math.log(marginal.getDouble((long) set * length + i));
        }
        return out;
    }
}

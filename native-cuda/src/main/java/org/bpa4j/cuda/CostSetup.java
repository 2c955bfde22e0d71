package org.bpa4j.cuda;

import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BpaOptions;

/**
 * docs/MATH.md §2 step 1 on the device for B sets of n×d features: uploads X, normalises its rows and computes
 * the base matrix of every set with one strided-batched GEMM (cosine: x̂x̂ᵀ; Euclidean: XXᵀ turned into
 * distances, with each set's max). The forward and the backward pass both run it, on the same input,
 * so that nothing n×n has to be kept between them.
 *
 * @param features the device copy of X
 * @param unit x̂ (cosine) or null
 * @param norms |x_i| per row
 */
record CostSetup(BaseMatrix matrix, View features, View unit, View norms) {

    static long deviceBytes(int sets, int n, int d) {
        return 4L * ((long) sets * n * n + 2L * sets * n * d + 3L * sets * n + sets);
    }

    /** X from host memory into the workspace's "features" buffer, then {@link #onDevice}. */
    static CostSetup run(Workspace ws, KernelLaunches k, BpaOptions options, Tensor x) {
        View features = ws.floats("features", x.size());
        HostTransfer.upload(ws, x, features);
        return onDevice(ws, k, options, features, x.sets(), x.rows(), x.cols());
    }

    /** The same from sets×n×d float32 features already on the device (read, never written). */
    static CostSetup onDevice(Workspace ws, KernelLaunches k, BpaOptions options, View features, int sets, int n, int d) {
        long rows = (long) sets * n;
        View norms = ws.floats("norms", rows);
        View base = ws.floats("base", rows * n);
        float invReg = (float) (1.0 / options.reg());
        if (options.metric() == Metric.COSINE) {
            View unit = ws.floats("unit", rows * d);
            k.normalizeRows(features, unit, norms, null, (int) rows, d);
            Gemm.gram(ws, unit, base, sets, n, d);
            BaseMatrix m = new BaseMatrix(base, sets, n, n, BaseMatrix.SIMILARITY, options.maskDiagonal(), invReg, null);
            return new CostSetup(m, features, unit, norms);
        }
        View sqNorms = ws.floats("sqNorms", rows);
        k.normalizeRows(features, null, norms, sqNorms, (int) rows, d);
        Gemm.gram(ws, features, base, sets, n, d);
        View rowMax = ws.floats("rowMax", rows);
        k.euclideanDistances(base, sqNorms, sets, n, rowMax);
        View maxDist = ws.floats("maxDistance", sets);
        k.reduceMaxPerSet(rowMax, sets, n, maxDist);
        BaseMatrix m = new BaseMatrix(base, sets, n, n, BaseMatrix.DISTANCE, options.maskDiagonal(), invReg, maxDist);
        return new CostSetup(m, features, null, norms);
    }
}

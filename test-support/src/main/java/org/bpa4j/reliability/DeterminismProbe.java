package org.bpa4j.reliability;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;

/**
 * Computes a fixed set of results on one backend and prints a SHA-256 of each one's bits, one line each:
 * {@code name hash}. Run in fresh JVMs with different {@code bpa4j.threads}, the lines must not change.
 * Argument: the backend.
 */
public final class DeterminismProbe {
    private DeterminismProbe() {
    }

    public static void main(String[] args) throws Exception {
        Device device = Device.parse(args[0]);
        // past 128 rows the CPU backend splits rows over threads; a batch of small sets splits the sets
        Tensor x = RandomTensors.gaussian(1, 300, 32).to(DType.FLOAT32);
        Tensor gx = RandomTensors.gaussian(2, 300, 300).to(DType.FLOAT32);
        for (Metric metric : Metric.values()) {
            BpaResult r = Bpa.builder().device(device).metric(metric).build().forward(x);
            print("bpa-" + metric.label(), r.output(), r.backward(gx));
        }
        Tensor batch = RandomTensors.gaussian(3, 7, 40, 8).to(DType.FLOAT32);
        BpaResult rb = Bpa.builder().device(device).reg(0.05).iterations(25).sigmoid(true).build().forward(batch);
        print("bpa-batch", rb.output(), rb.backward(RandomTensors.gaussian(4, 7, 40, 40).to(DType.FLOAT32)));

        Tensor cost = RandomTensors.gaussian(5, 257, 190).to(DType.FLOAT32);
        // a non-square cost takes marginals of one total (unit marginals are refused on it)
        double[] a = new double[257];
        double[] bm = new double[190];
        java.util.Arrays.fill(a, 1.0 / 257);
        java.util.Arrays.fill(bm, 1.0 / 190);
        SinkhornResult s = Sinkhorn.builder().device(device).reg(0.3).iterations(200).tolerance(1e-6).checkEvery(5)
                .build().solve(cost, Tensor.of(a, 257), Tensor.of(bm, 190));
        print("sinkhorn", s.logPlan(), s.backward(RandomTensors.gaussian(6, 257, 190).to(DType.FLOAT32)),
                Tensor.of(new double[] {s.iterations(), s.marginalError()}, 2));

        Tensor z = RandomTensors.gaussian(7, 2 * 96, 24).to(DType.FLOAT32);
        BamResult b = BamLoss.builder().device(device).topK(20).build().forward(z);
        print("bam", Tensor.of(new double[] {b.loss()}, 1), b.backward());
    }

    private static void print(String name, Tensor... parts) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Tensor t : parts) {
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(t.size() * 8));
            for (long i = 0; i < t.size(); i++) {
                buf.putLong(Double.doubleToRawLongBits(t.getDouble(i)));
            }
            sha.update(buf.array());
        }
        System.out.println(name + " " + HexFormat.of().formatHex(sha.digest()));
    }
}

package org.bpa4j.it;

import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.Tensor;

/**
 * Runs BPA on a small random set with the backend AUTO picks and with the reference backend, and prints which
 * backend AUTO picked, the module it was loaded from and how far its result is from the reference. Exit status 1
 * when the two disagree, so that the test starting it sees a wrong result as well as a failure to start.
 */
public final class ModularBpa {
    private ModularBpa() {
    }

    /**
     * Prints {@code auto=<backend> module=<module> max_difference=<value>}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int n = 24;
        int d = 8;
        float[] x = new float[n * d];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Device auto = Backends.resolve(Device.AUTO).device();
        String module = Backends.resolve(Device.AUTO).getClass().getModule().getName();
        Tensor fast = Bpa.builder().device(auto).build().transform(Tensor.of(x, n, d));
        Tensor reference = Bpa.builder().device(Device.REFERENCE).build().transform(Tensor.of(x, n, d));
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                worst = Math.max(worst, Math.abs(fast.get(i, j) - reference.get(i, j)));
            }
        }
        System.out.println("auto=" + auto.label() + " module=" + module + " max_difference=" + worst);
        System.exit(worst < 1e-4 ? 0 : 1);
    }
}

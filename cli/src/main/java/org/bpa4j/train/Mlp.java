package org.bpa4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** in → hidden → out with a ReLU between: the small embedding network of {@code bpa4j train-bam}. */
public final class Mlp {
    private final Linear first;
    private final Linear second;

    public Mlp(int in, int hidden, int out, SplittableRandom random) {
        this.first = Linear.random(in, hidden, random);
        this.second = Linear.random(hidden, out, random);
    }

    public int in() {
        return first.in();
    }

    public int out() {
        return second.out();
    }

    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(first.parameters());
        all.addAll(second.parameters());
        return all;
    }

    /** One forward pass; keeps the activations its backward needs. */
    public Pass forward(double[] x, int n) {
        double[] hidden = first.forward(x, n);
        for (int k = 0; k < hidden.length; k++) {
            hidden[k] = Math.max(0, hidden[k]);
        }
        return new Pass(x, n, hidden, second.forward(hidden, n));
    }

    /** The outputs of one batch and the way back. */
    public final class Pass {
        private final double[] input;
        private final int n;
        private final double[] hidden;
        private final double[] output;

        private Pass(double[] input, int n, double[] hidden, double[] output) {
            this.input = input;
            this.n = n;
            this.hidden = hidden;
            this.output = output;
        }

        /** n × out. */
        public double[] output() {
            return output;
        }

        /** Accumulates the parameters' gradients for ∂L/∂output and returns ∂L/∂input. */
        public double[] backward(double[] gradOutput) {
            double[] gradHidden = second.backward(hidden, gradOutput, n);
            for (int k = 0; k < gradHidden.length; k++) {
                if (hidden[k] <= 0) {
                    gradHidden[k] = 0;
                }
            }
            return first.backward(input, gradHidden, n);
        }
    }
}

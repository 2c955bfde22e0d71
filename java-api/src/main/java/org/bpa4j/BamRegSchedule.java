package org.bpa4j;

/**
 * The authors' schedule of the target Sinkhorn's ε over training: linear from {@code reg} to
 * {@code regFinal} over the first 30 epochs (NumPy's {@code linspace(reg, regFinal, 30)}: epoch 0 is
 * reg, epoch 29 is regFinal), then constant.
 *
 * <pre>{@code
 * BamRegSchedule schedule = new BamRegSchedule(0.05, 0.2);
 * BamLoss epochLoss = loss.withReg(schedule.at(epoch));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param reg ε at epoch 0, finite and &gt; 0
 * @param regFinal ε from epoch warmupEpochs − 1 on, finite and &gt; 0 (may be smaller than reg)
 * @param warmupEpochs the epochs of the linear ramp, ≥ 1 ({@value #WARMUP_EPOCHS} in the paper)
 */
public record BamRegSchedule(double reg, double regFinal, int warmupEpochs) {
    /** The paper's warm-up length. */
    public static final int WARMUP_EPOCHS = 30;

    /**
     * A schedule with its own warm-up length.
     *
     * @throws InvalidInputException when reg or regFinal is not a finite number &gt; 0, or warmupEpochs &lt; 1
     */
    public BamRegSchedule {
        InputChecks.reg(reg, "BamRegSchedule: reg");
        InputChecks.reg(regFinal, "BamRegSchedule: regFinal");
        if (warmupEpochs < 1) {
            throw new InvalidInputException("BamRegSchedule: warmupEpochs must be >= 1, got " + warmupEpochs);
        }
    }

    /**
     * Linear over the paper's {@value #WARMUP_EPOCHS} epochs.
     *
     * @param reg ε at epoch 0, finite and &gt; 0
     * @param regFinal ε from epoch 29 on, finite and &gt; 0
     * @throws InvalidInputException when reg or regFinal is not a finite number &gt; 0
     */
    public BamRegSchedule(double reg, double regFinal) {
        this(reg, regFinal, WARMUP_EPOCHS);
    }

    /**
     * ε for an epoch counted from 0.
     *
     * @param epoch the epoch, ≥ 0
     * @return ε, between reg and regFinal (both included)
     * @throws InvalidInputException when epoch &lt; 0
     */
    public double at(int epoch) {
        if (epoch < 0) {
            throw new InvalidInputException("BamRegSchedule.at: epoch must be >= 0, got " + epoch);
        }
        if (epoch >= warmupEpochs) {
            return regFinal;
        }
        if (warmupEpochs == 1) {
            return reg;
        }
        if (epoch == warmupEpochs - 1) {
            return regFinal;
        }
        // linspace's formula, so that the values equal NumPy's to the last bit where it matters
        double step = (regFinal - reg) / (warmupEpochs - 1);
        return reg + epoch * step;
    }

    /**
     * The values for epochs 0..epochs−1.
     *
     * @param epochs how many epochs, ≥ 0
     * @return a new array of {@code epochs} values, {@code values[e] == at(e)}
     * @throws InvalidInputException when epochs &lt; 0
     */
    public double[] values(int epochs) {
        if (epochs < 0) {
            throw new InvalidInputException("BamRegSchedule.values: epochs must be >= 0, got " + epochs);
        }
        double[] out = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            out[e] = at(e);
        }
        return out;
    }
}

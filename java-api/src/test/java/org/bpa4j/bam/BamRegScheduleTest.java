package org.bpa4j.bam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bpa4j.BamLoss;
import org.bpa4j.BamRegSchedule;
import org.junit.jupiter.api.Test;

/** The authors' schedule: np.linspace(reg, regFinal, 30) then regFinal. */
class BamRegScheduleTest {
    @Test
    void linearOverThirtyEpochsThenConstant() {
        BamRegSchedule s = new BamRegSchedule(0.05, 0.2);
        double[] values = s.values(40);
        assertEquals(0.05, values[0]);
        assertEquals(0.2, values[29]);
        for (int e = 1; e < 29; e++) {
            assertEquals(0.05 + e * (0.15 / 29), values[e], 1e-15, "epoch " + e);
            assertEquals(0.15 / 29, values[e] - values[e - 1], 1e-15, "step at epoch " + e);
        }
        for (int e = 30; e < 40; e++) {
            assertEquals(0.2, values[e]);
        }
    }

    @Test
    void constantWhenRegFinalEqualsReg() {
        double[] values = new BamRegSchedule(0.05, 0.05).values(35);
        double[] expected = new double[35];
        java.util.Arrays.fill(expected, 0.05);
        assertArrayEquals(expected, values);
    }

    @Test
    void aLossTakesTheScheduledReg() {
        BamLoss loss = BamLoss.builder().largeCrops(2).localCrops(4).targetCrops(1).topK(3).build();
        BamLoss epoch10 = loss.withReg(new BamRegSchedule(0.05, 0.1).at(10));
        assertEquals(0.05 + 10 * 0.05 / 29, epoch10.reg(), 1e-15);
        assertEquals(loss.localCrops(), epoch10.localCrops());
        assertEquals(loss.targetCrops(), epoch10.targetCrops());
        assertEquals(loss.topK(), epoch10.topK());
    }
}

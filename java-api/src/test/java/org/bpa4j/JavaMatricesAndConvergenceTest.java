package org.bpa4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tensors from and to Java matrices, and {@link SinkhornResult#converged()}. */
class JavaMatricesAndConvergenceTest {
    @Test
    void javaMatricesRoundTripAsCopies() {
        float[][] x = {{1, 2, 3}, {4, 5, 6}};
        Tensor t = Tensor.of(x);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(DType.FLOAT32, t.dtype());
        assertEquals(6.0, t.get(1, 2));
        x[1][2] = 60;   // a copy: the tensor does not see it
        assertEquals(6.0, t.get(1, 2));
        assertArrayEquals(new float[] {4, 5, 6}, t.toFloat2D()[1]);
        double[][] y = {{0.5, -1}, {2, 3}, {4, 5}};
        Tensor u = Tensor.of(y);
        assertEquals(DType.FLOAT64, u.dtype());
        assertArrayEquals(new int[] {3, 2}, u.shape());
        assertArrayEquals(y[0], u.toDouble2D()[0]);
        assertArrayEquals(new double[] {4, 5, 6}, new double[] {t.toDouble2D()[1][0], t.toDouble2D()[1][1],
            t.toDouble2D()[1][2]});
        assertArrayEquals(new int[] {0, 0}, Tensor.of(new float[0][]).shape());
    }

    @Test
    void badJavaMatricesAreRefusedNamingTheRow() {
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("row 1 has 1 values but row 0 has 2"), ragged.getMessage());
        IllegalArgumentException nullRow = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new double[][] {{1}, null}));
        assertTrue(nullRow.getMessage().contains("row 1 is null"), nullRow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of((float[][]) null));
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.FLOAT32, 2, 2, 2).toFloat2D());
        assertTrue(batch.getMessage().contains("must be 2-D"), batch.getMessage());
    }

    @Test
    void convergedSaysWhetherTheToleranceWasMet() {
        Tensor cost = Tensor.of(new double[][] {{0, 3, 1}, {2, 0, 5}, {1, 4, 0}});   // not symmetric
        SinkhornResult reached = Sinkhorn.builder().reg(0.5).iterations(1000).tolerance(1e-9).build().solve(cost);
        assertTrue(reached.converged(), "error " + reached.marginalError());
        assertTrue(reached.iterations() < 1000);
        SinkhornResult capped = Sinkhorn.builder().reg(2.0).iterations(1).tolerance(1e-12).build().solve(cost);
        assertFalse(capped.converged(), "error " + capped.marginalError());
        assertFalse(Sinkhorn.builder().iterations(5).build().solve(cost).converged(), "no tolerance, no criterion");
    }
}

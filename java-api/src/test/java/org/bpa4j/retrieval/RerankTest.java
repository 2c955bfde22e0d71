package org.bpa4j.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/**
 * Re-ranking (README, "Re-ranking and retrieval") against rankings computed here, independently: the
 * Euclidean distances between rows of Z = BPA([Q; G]) (dense mode) or between Z's rows reduced to their
 * M largest entries and written out densely (keep mode), sorted by distance, ties to the lower index.
 */
class RerankTest {
    private static final Bpa REFERENCE64 = Bpa.builder().device(Device.REFERENCE).precision(DType.FLOAT64).build();

    /** [query; gallery] as one (q + g, d) float64 set. */
    static Tensor union(Tensor query, Tensor gallery) {
        double[] a = query.toDoubleArray();
        double[] b = gallery.toDoubleArray();
        double[] x = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, x, a.length, b.length);
        return Tensor.of(x, query.rows() + gallery.rows(), query.cols());
    }

    /** Row i of a 2-D tensor. */
    static double[] row(Tensor z, int i) {
        double[] r = new double[z.cols()];
        for (int c = 0; c < r.length; c++) {
            r[c] = z.get(i, c);
        }
        return r;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += (a[c] - b[c]) * (a[c] - b[c]);
        }
        return Math.sqrt(s);
    }

    /** Row i with only its m largest entries (ties: lower column), the others 0, as float32 values. */
    static double[] keptRow(Tensor z, int i, int m) {
        double[] full = row(z, i);
        Integer[] order = IntStream.range(0, full.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> -(float) full[c]).thenComparingInt(c -> c));
        double[] kept = new double[full.length];
        for (int p = 0; p < m; p++) {
            kept[order[p]] = (float) full[order[p]];
        }
        return kept;
    }

    /**
     * Checks {@code actual} against distances computed here: each query's distances equal the expected
     * ones, sorted, to {@code tol}; and the indices are the expected order wherever it is not a near-tie.
     */
    static void assertRanking(double[][] expected, Ranking actual, int k, double tol) {
        assertEquals(expected.length, actual.queries());
        assertEquals(k, actual.k());
        for (int i = 0; i < expected.length; i++) {
            double[] d = expected[i];
            Integer[] order = IntStream.range(0, d.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> d[j]).thenComparingInt(j -> j));
            for (int r = 0; r < k; r++) {
                int got = actual.index(i, r);
                assertEquals(d[order[r]], actual.distance(i, r), tol, "query " + i + " rank " + r + " distance");
                assertEquals(d[got], actual.distance(i, r), tol, "query " + i + " rank " + r + " item " + got);
                if (got != order[r]) {
                    assertTrue(Math.abs(d[got] - d[order[r]]) <= tol, "query " + i + " rank " + r + ": item "
                            + got + " where " + order[r] + " was expected, distances " + d[got] + " and "
                            + d[order[r]]);
                }
            }
            for (int r = 1; r < k; r++) {
                float before = actual.distance(i, r - 1);
                float now = actual.distance(i, r);
                assertTrue(before < now || (before == now && actual.index(i, r - 1) < actual.index(i, r)),
                        "query " + i + " ranks " + (r - 1) + ", " + r + ": ascending, ties to the lower index");
            }
        }
    }

    @Test
    void denseRerankEqualsACdistRankingOfTheRowsOfZ() {
        Tensor query = RandomTensors.gaussian(11, 7, 5);
        Tensor gallery = RandomTensors.gaussian(12, 23, 5);
        Ranking ranking = Rerank.builder().bpa(REFERENCE64).build().rank(query, gallery);
        Tensor z = REFERENCE64.transform(union(query, gallery));
        double[][] expected = new double[7][23];
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 23; j++) {
                expected[i][j] = distance(row(z, i), row(z, 7 + j));
            }
        }
        assertRanking(expected, ranking, 23, 1e-6);
        assertEquals(23, ranking.gallerySize());
    }

    @Test
    void topKIsThePrefixOfTheWholeRanking() {
        Tensor query = RandomTensors.gaussian(21, 6, 4);
        Tensor gallery = RandomTensors.gaussian(22, 40, 4);
        Ranking whole = Rerank.builder().bpa(REFERENCE64).build().rank(query, gallery);
        for (int k : new int[] {1, 3, 40}) {
            Ranking top = Rerank.builder().bpa(REFERENCE64).topK(k).build().rank(query, gallery);
            assertEquals(k, top.k());
            for (int i = 0; i < 6; i++) {
                assertArrayEquals(Arrays.copyOf(whole.indicesOf(i), k), top.indicesOf(i), "k " + k + " query " + i);
            }
        }
    }

    @Test
    void keepModeDistancesAreThoseOfTheDensifiedTopMRows() {
        Tensor query = RandomTensors.gaussian(31, 9, 6);
        Tensor gallery = RandomTensors.gaussian(32, 30, 6);
        Tensor z = REFERENCE64.transform(union(query, gallery));
        for (int m : new int[] {1, 5, 39}) {
            Ranking ranking = Rerank.builder().bpa(REFERENCE64).keep(m).build().rank(query, gallery);
            double[][] expected = new double[9][30];
            for (int i = 0; i < 9; i++) {
                double[] a = keptRow(z, i, m);
                for (int j = 0; j < 30; j++) {
                    expected[i][j] = distance(a, keptRow(z, 9 + j, m));
                }
            }
            assertRanking(expected, ranking, 30, 1e-5);
        }
    }

    @Test
    void keepEveryColumnRanksLikeDenseMode() {
        Tensor query = RandomTensors.gaussian(41, 5, 3);
        Tensor gallery = RandomTensors.gaussian(42, 12, 3);
        Bpa bpa = Bpa.builder().device(Device.REFERENCE).build();
        Ranking dense = Rerank.builder().bpa(bpa).build().rank(query, gallery);
        Ranking kept = Rerank.builder().bpa(bpa).keep(17).build().rank(query, gallery);
        for (int i = 0; i < 5; i++) {
            for (int r = 0; r < 12; r++) {
                assertEquals(dense.distance(i, r), kept.distance(i, r), 1e-6, "query " + i + " rank " + r);
            }
        }
    }

    @Test
    void identicalItemsTieAndRankByLowerGalleryIndex() {
        // every row the same: BPA spreads each row evenly, so every query-gallery distance is the same
        float[] same = new float[10 * 3];
        Arrays.fill(same, 0.5f);
        Tensor query = Tensor.of(Arrays.copyOf(same, 2 * 3), 2, 3);
        Tensor gallery = Tensor.of(Arrays.copyOf(same, 8 * 3), 8, 3);
        for (Rerank rerank : new Rerank[] {Rerank.builder().build(), Rerank.builder().keep(10).build(),
            Rerank.builder().topK(3).build()}) {
            Ranking r = rerank.rank(query, gallery);
            for (int i = 0; i < 2; i++) {
                for (int rank = 0; rank < r.k(); rank++) {
                    assertEquals(rank, r.index(i, rank), "query " + i + " rank " + rank);
                    assertEquals(r.distance(i, 0), r.distance(i, rank), 0.0);
                }
            }
        }
    }

    @Test
    void euclideanTiesGoToTheLowerIndexInTheSortAndInTheHeap() {
        // gallery: distance 2, then 1 (four times), then 2 again, then 60 items at distance 3
        int g = 66;
        float[] gallery = new float[g * 2];
        float[][] points = {{2, 0}, {1, 0}, {0, 1}, {-1, 0}, {0, -1}, {0, 2}};
        for (int j = 0; j < g; j++) {
            float[] p = j < points.length ? points[j] : new float[] {3, 0};
            gallery[2 * j] = p[0];
            gallery[2 * j + 1] = p[1];
        }
        Tensor q = Tensor.of(new float[] {0, 0}, 1, 2);
        Tensor gt = Tensor.of(gallery, g, 2);
        Ranking whole = EuclideanRanking.rank(q, gt);
        assertArrayEquals(new int[] {1, 2, 3, 4, 0, 5, 6, 7}, Arrays.copyOf(whole.indicesOf(0), 8));
        Ranking heap = EuclideanRanking.rank(q, gt, 6);
        assertArrayEquals(new int[] {1, 2, 3, 4, 0, 5}, heap.indicesOf(0));
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2}, heap.distances());
        assertEquals(3f, whole.distance(0, 65));
        assertEquals(65, whole.index(0, 65));
    }

    @Test
    void float32CpuStyleInputGivesTheSameRankingAsFloat64WhereNotTied() {
        Tensor query = RandomTensors.gaussian(51, 4, 8);
        Tensor gallery = RandomTensors.gaussian(52, 20, 8);
        Ranking r64 = Rerank.builder().bpa(REFERENCE64).build().rank(query, gallery);
        Ranking r32 = Rerank.builder().bpa(Bpa.builder().device(Device.REFERENCE).build())
                .build().rank(query.to(DType.FLOAT32), gallery.to(DType.FLOAT32));
        for (int i = 0; i < 4; i++) {
            for (int r = 0; r < 20; r++) {
                assertEquals(r64.distance(i, r), r32.distance(i, r), 1e-5, "query " + i + " rank " + r);
            }
        }
    }
}

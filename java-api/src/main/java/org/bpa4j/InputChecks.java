package org.bpa4j;

/** The validation every public entry point shares; each message names the problem and where. */
final class InputChecks {
    private InputChecks() {
    }

    static void notNull(Object value, String what) {
        if (value == null) {
            throw new InvalidInputException(what + " must not be null");
        }
    }

    static void reg(double reg, String where) {
        if (!(reg > 0) || Double.isInfinite(reg)) {
            throw new InvalidInputException(where + ": reg must be a finite number > 0, got " + reg);
        }
    }

    static void iterations(int iterations, String where) {
        if (iterations <= 0) {
            throw new InvalidInputException(where + ": iterations must be > 0, got " + iterations);
        }
    }

    /** Every value finite; the message gives the set, row and column of the first one that is not. */
    static void finite(Tensor t, String what) {
        long i = firstNonFinite(t, false);
        if (i >= 0) {
            double v = t.getDouble(i);
            String kind = Double.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
            throw new InvalidInputException(what + " contains " + kind + " at " + position(t, i, t.rows(), t.cols()));
        }
    }

    /**
     * A backend's result is finite (−∞ allowed only where {@code negativeInfinityAllowed}: a log-plan's
     * zero-mass entries). Finite inputs whose result a backend cannot represent — a tiny reg, values near
     * its precision's limits — are refused like any input out of range, with the position and
     * {@code context}: never returned as a silent NaN.
     */
    static void finiteResult(Tensor t, boolean negativeInfinityAllowed, String what, String context) {
        long at = firstNonFinite(t, negativeInfinityAllowed);
        if (at >= 0) {
            double v = t.getDouble(at);
            String kind = Double.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
            throw new InvalidInputException(what + " has " + kind + " at " + position(t, at, t.rows(), t.cols())
                    + " for this finite input (" + context + "): the input or options are beyond the range this "
                    + "backend computes in; a larger reg, rescaled values or the float64 reference backend avoid it");
        }
    }

    /** A backend's scalar result (a loss) is finite; refused like {@link #finiteResult} otherwise. */
    static void finiteResult(double value, String what, String context) {
        if (!Double.isFinite(value)) {
            throw new InvalidInputException(what + " is " + value + " for this finite input (" + context
                    + "): the input or options are beyond the range this backend computes in; a larger reg or "
                    + "temperature, rescaled values or the float64 reference backend avoid it");
        }
    }

    private static long firstNonFinite(Tensor t, boolean negativeInfinityAllowed) {
        // the heap arrays of the usual outputs are scanned directly: this runs after every call
        float[] f = t.floatArray().orElse(null);
        if (f != null) {
            for (int i = 0; i < f.length; i++) {
                if (f[i] - f[i] != 0 && !(negativeInfinityAllowed && f[i] == Float.NEGATIVE_INFINITY)) {
                    return i;
                }
            }
            return -1;
        }
        double[] d = t.doubleArray().orElse(null);
        if (d != null) {
            for (int i = 0; i < d.length; i++) {
                if (d[i] - d[i] != 0 && !(negativeInfinityAllowed && d[i] == Double.NEGATIVE_INFINITY)) {
                    return i;
                }
            }
            return -1;
        }
        for (long i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            if (v - v != 0 && !(negativeInfinityAllowed && v == Double.NEGATIVE_INFINITY)) {
                return i;
            }
        }
        return -1;
    }

    private static String position(Tensor t, long index, int rows, int cols) {
        return switch (t.rank()) {
            case 1 -> "index " + index;
            case 2 -> "row " + index / cols + " column " + index % cols;
            default -> {
                long per = (long) rows * cols;
                long within = index % per;
                yield "set " + index / per + " row " + within / cols + " column " + within % cols;
            }
        };
    }

    /** A (n, d) or (B, n, d) feature tensor with n ≥ 2 and d ≥ 1. */
    static void features(Tensor x, String what) {
        notNull(x, what);
        if (x.rank() != 2 && x.rank() != 3) {
            throw new InvalidInputException(what + " must be 2-D (n, d) or 3-D (B, n, d), got shape "
                    + x.shapeString());
        }
        if (x.rank() == 3 && x.dim(0) < 1) {
            throw new InvalidInputException(what + " has no sets: shape " + x.shapeString());
        }
        if (x.rows() < 2) {
            throw new InvalidInputException(what + " needs at least n = 2 rows, got shape " + x.shapeString());
        }
        if (x.cols() < 1) {
            throw new InvalidInputException(what + " needs at least d = 1 column, got shape " + x.shapeString());
        }
        finite(x, what);
    }

    static void sameShape(Tensor actual, int[] expected, String what) {
        notNull(actual, what);
        if (!java.util.Arrays.equals(actual.shape(), expected)) {
            throw new InvalidInputException(what + " has shape " + actual.shapeString() + " where "
                    + Tensor.shapeString(expected) + " was expected");
        }
        finite(actual, what);
    }
}

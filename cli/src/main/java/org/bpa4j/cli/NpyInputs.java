package org.bpa4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;

/** Reads the .npy inputs of a command; every failure names the option and the file. */
final class NpyInputs {
    private NpyInputs() {
    }

    static NpyArray read(Path file, String option) throws IOException {
        if (file == null) {
            throw new InvalidInputException(option + ": no file given");
        }
        try {
            return Npy.read(file);
        } catch (InvalidInputException e) {
            String m = e.getMessage();
            throw new InvalidInputException(option + " " + (m != null && m.startsWith(file.toString())
                    ? m : file + ": " + m), e);
        }
    }

    /** A float tensor of rank 1 to 3 in the given precision; integer arrays are converted. */
    static Tensor tensor(Path file, String option, DType precision) throws IOException {
        NpyArray array = read(file, option);
        if (array.rank() < 1 || array.rank() > 3) {
            throw new InvalidInputException(option + " " + file + ": a " + array.rank() + "-D array of shape "
                    + Tensor.shapeString(array.shape()) + " where 1-D to 3-D was expected");
        }
        return array.toTensor(precision);
    }
}

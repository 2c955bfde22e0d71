package org.bpa4j.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.fewshot.EpisodeSampler;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.FewShotReport;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public methods that take arrays, streams or enums refuse null and too-short arguments with the one bad-input
 * type (docs/RELIABILITY.md), instead of a NullPointerException or an index error from inside, and a refused
 * write leaves no file behind.
 */
class PublicMethodChecksTest {
    @TempDir
    Path dir;

    @Test
    void tensorFactoriesRefuseANullType() {
        assertTrue(assertThrows(InvalidInputException.class, () -> Tensor.zeros(null, 2, 2)).getMessage()
                .contains("Tensor.zeros"));
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 2);
        assertTrue(assertThrows(InvalidInputException.class, () -> t.to(null)).getMessage().contains("Tensor.to"));
    }

    @Test
    void npyWritersRefuseBeforeCreatingAFile() {
        Path file = dir.resolve("i.npy");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Npy.write(file, new long[] {1, 2, 3}, 2, 2));
        assertTrue(e.getMessage().contains("3 values for shape"), e.getMessage());
        assertFalse(Files.exists(file), "a refused write leaves no file");
        assertThrows(InvalidInputException.class, () -> Npy.write(file, null, 2));
        assertThrows(InvalidInputException.class, () -> Npy.write(file, new long[0], -1, 0));
        assertFalse(Files.exists(file));
        assertThrows(InvalidInputException.class, () -> Npy.write((java.io.OutputStream) null, new long[] {1}, 1));
        assertThrows(InvalidInputException.class,
                () -> Npy.write((java.io.OutputStream) null, Tensor.zeros(DType.FLOAT32, 1)));
        assertThrows(InvalidInputException.class, () -> Npy.write(new ByteArrayOutputStream(), (Tensor) null));
    }

    @Test
    void fewShotHelpersRefuseShortOrMissingArrays() {
        float[] features = new float[12 * 3];
        int[] labels = new int[12];
        for (int i = 0; i < 12; i++) {
            labels[i] = i % 3;
            features[i * 3] = i;
        }
        LabeledData data = LabeledData.of(features, labels, 3);
        assertThrows(InvalidInputException.class, () -> data.copyFeatures(0, new float[2], 0));
        assertThrows(InvalidInputException.class, () -> data.copyFeatures(0, new float[3], 1));
        assertThrows(InvalidInputException.class, () -> data.copyFeatures(0, null, 0));
        EpisodeSampler sampler = new EpisodeSampler(data, new EpisodeShape(2, 1, 1), 7);
        // 2 ways · (1 shot + 1 query) rows of 3 values = 12
        assertThrows(InvalidInputException.class, () -> sampler.next(new float[11], 0));
        assertThrows(InvalidInputException.class, () -> sampler.next(new float[12], 1));
        assertThrows(InvalidInputException.class, () -> sampler.next(null, 0));
        sampler.next(new float[12], 0);
        assertThrows(InvalidInputException.class, () -> FewShotReport.textLine(null));
        assertThrows(InvalidInputException.class, () -> FewShotReport.tsvLines(null));
        assertThrows(InvalidInputException.class, () -> FewShotReport.textHeader("x", null, 1, 1, "cpu"));
    }
}

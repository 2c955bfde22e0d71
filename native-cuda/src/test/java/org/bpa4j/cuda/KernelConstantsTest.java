package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpa4j.spi.BamLayout;
import org.bpa4j.spi.MathConstants;
import org.junit.jupiter.api.Test;

/**
 * The CUDA headers' copies of the constants of the mathematics (docs/MATH.md §2, §4) agree with the Java ones:
 * read from {@code src/main/cuda/*.cuh}, so that the check needs no GPU and no nvcc.
 */
class KernelConstantsTest {
    private static final Path CUDA = Path.of("src", "main", "cuda");

    private static String header(String name) throws IOException {
        return Files.readString(CUDA.resolve(name));
    }

    private static String value(String source, String regex) {
        Matcher m = Pattern.compile(regex).matcher(source);
        assertTrue(m.find(), "the header has " + regex);
        return m.group(1);
    }

    @Test
    void maskedCostAndNormFloorAreTheJavaOnes() throws IOException {
        String math = header("bpa_math.cuh");
        assertEquals((float) MathConstants.MASKED_COST,
                Float.parseFloat(value(math, "constexpr float MASKED_COST = ([0-9.eE+-]+)f;")));
        assertEquals((float) MathConstants.NORM_FLOOR,
                Float.parseFloat(value(math, "constexpr float NORM_FLOOR = ([0-9.eE+-]+)f;")));
    }

    @Test
    void outputModesHaveTheJavaCodes() throws IOException {
        String math = header("bpa_math.cuh");
        assertEquals(OutputModes.LOG, Integer.parseInt(value(math, "OUTPUT_LOG = (\\d+)")));
        assertEquals(OutputModes.EXP, Integer.parseInt(value(math, "OUTPUT_EXP = (\\d+)")));
        assertEquals(OutputModes.SIGMOID, Integer.parseInt(value(math, "OUTPUT_SIGMOID = (\\d+)")));
    }

    @Test
    void theBamLayoutMasksAndPairsAsBamLayout() throws IOException {
        // the kernels' layout is the same expressions over the same fields as the SPI record's
        String bam = header("bam_math.cuh");
        assertTrue(bam.contains("return positiveMasking && row % batch == target % batch;"), "Mpos as BamLayout.masked");
        assertTrue(bam.contains("return targetView < largeCrops && (targetView != sourceView || views == 1);"),
                "view pairs as BamLayout.pairs");
        BamLayout layout = new BamLayout(4, 3, 2, 2, true);
        assertTrue(layout.masked(5, 1) && !layout.masked(5, 2));
        assertTrue(layout.pairs(0, 1) && !layout.pairs(0, 0) && !layout.pairs(2, 0));
    }
}

package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bpa4j.cuda.DeviceBuffer.View;
import org.bpa4j.spi.BamLayout;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every launch the backend makes, recorded instead of sent to a GPU, against the kernels' C signatures read
 * from native-cuda/src/main/cuda: the same number of arguments, each a pointer, an int or a float where the
 * kernel expects one, a block of whole warps, and the small-set kernels' shared memory. A mismatch would
 * otherwise show only on a GPU, as garbage or a fault.
 */
class KernelSignatureTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");
    private static final Pattern MACRO = Pattern.compile("#define (\\w+) (.*)");

    record Launch(String signature, long gx, int gy, int gz, int bx, int by, int sharedBytes) {
    }

    @BeforeAll
    static void javacppLoads() {
        String problem = null;
        try {
            Loader.load(org.bytedeco.javacpp.presets.javacpp.class);
        } catch (Throwable t) {
            problem = t.toString();
        }
        String reason = problem;
        assumeTrue(reason == null, () -> "JavaCPP's native library does not load here: " + reason);
    }

    /** The kernel sources: from the module (Maven) or from the repository root (the GPU check). */
    private static Path sources() {
        for (Path p : List.of(Path.of("src/main/cuda"), Path.of("native-cuda/src/main/cuda"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return fail("the kernel sources are not found from " + Path.of("").toAbsolutePath());
    }

    /** Kernel name → one letter per parameter: 'p' pointer, 'i' int, 'f' float. */
    static Map<String, String> declaredSignatures() throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(sources())) {
            files = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher macro = MACRO.matcher(text);
            while (macro.find()) {
                text = text.replace(macro.group(1) + ",", macro.group(2) + ",")
                        .replace(macro.group(1) + ")", macro.group(2) + ")");
            }
            Matcher m = KERNEL.matcher(text);
            while (m.find()) {
                StringBuilder sig = new StringBuilder();
                for (String param : m.group(2).split(",")) {
                    String p = param.replaceAll("\\s+", " ").trim();
                    if (p.contains("*")) {
                        sig.append('p');
                    } else if (p.matches("(const )?int \\w+")) {
                        sig.append('i');
                    } else if (p.matches("(const )?float \\w+")) {
                        sig.append('f');
                    } else {
                        fail("kernel " + m.group(1) + " in " + file + ": parameter '" + p + "' of an unexpected type");
                    }
                }
                assertTrue(out.put(m.group(1), sig.toString()) == null, "kernel " + m.group(1) + " defined twice");
            }
        }
        return out;
    }

    /** Calls every launch method once on dummy device addresses and records what would be launched. */
    static Map<String, Launch> recordedLaunches() {
        Map<String, Launch> launches = new TreeMap<>();
        KernelArgs slots = new KernelArgs();
        KernelLaunches k = new KernelLaunches((kernel, gx, gy, gz, bx, by, shared, args) ->
                launches.put(kernel, new Launch(args.signature(), gx, gy, gz, bx, by, shared)), slots::reset);
        View a = new View(0x1000);
        View b = new View(0x2000);
        BaseMatrix m = new BaseMatrix(a, 3, 80, 80, BaseMatrix.SIMILARITY, true, 10f, null);
        BamLayout l = new BamLayout(6, 4, 2, 2, true);
        k.normalizeRows(a, b, a, null, 240, 64);
        k.euclideanDistances(a, b, 3, 80, a);
        k.reduceMaxPerSet(a, 3, 80, b);
        k.reduceSumPerSet(a, 3, 80, b);
        k.columnSums(a, 3, 80, 80, b);
        k.transpose(a, 3, 80, 70, b);
        k.gatherHistorySlot(a, b, 3, 80, a);
        k.scatterHistorySlot(a, b, 3, 80, a);
        k.lseRows(m, a, null, b, null);
        k.weightedExpRowSum(m, a, b, null, a, null, 2, null, b);
        k.output(m, a, b, 1, a, null, null, 80, b);
        k.gradLogP(m, a, b, 1, a, null, b, a);
        k.gradCombine(m, a, b, a, b, null, null, 10, null, a, -10f, true, null, null);
        k.smallForward(m, 10, 1, null, null, 80, a, b, a, b);
        k.smallBackward(m, 10, a, b, 1, a, null, b, -10f, true, null, null);
        k.euclideanWeights(a, b, 3, 80, a, b, a, b);
        k.cosineInputGrad(a, b, a, b, 240, 64);
        k.euclideanInputGrad(a, b, a, b, a, 240, 64);
        k.bamTargetLseRows(a, 12, 24, l, 20f, b, a);
        k.bamTargetPlan(a, 12, l, 20f, b, a);
        k.bamViewSums(a, l, b);
        k.bamTopKFlags(a, l, 4, b);
        k.bamKeepRenormalize(a, 12, l, b);
        k.bamSourceRows(a, l, 10f, b, a, b);
        return launches;
    }

    @Test
    void everyLaunchPassesWhatItsKernelDeclares() throws IOException {
        Map<String, String> declared = declaredSignatures();
        Map<String, Launch> launched = recordedLaunches();
        for (Map.Entry<String, Launch> e : launched.entrySet()) {
            String kernel = e.getKey();
            assertTrue(declared.containsKey(kernel), "kernel " + kernel + " is launched but not defined in the sources");
            assertEquals(declared.get(kernel), e.getValue().signature(), "arguments of " + kernel
                    + " (p pointer, i int, f float): as declared, as launched");
        }
    }

    @Test
    void theKernelsTheBackendLoadsAreExactlyThoseDefinedAndLaunched() throws IOException {
        Set<String> loaded = new HashSet<>(CudaContext.KERNELS);
        assertEquals(loaded.size(), CudaContext.KERNELS.size(), "a kernel listed twice");
        assertEquals(declaredSignatures().keySet(), loaded, "kernels defined in the sources vs. loaded by CudaContext");
        assertEquals(recordedLaunches().keySet(), loaded, "kernels launched by KernelLaunches vs. loaded by CudaContext");
    }

    @Test
    void blocksAreWholeWarpsAndTheSmallSetKernelsGetTheirSharedMemory() {
        for (Map.Entry<String, Launch> e : recordedLaunches().entrySet()) {
            Launch l = e.getValue();
            int threads = l.bx() * l.by();
            assertTrue(threads % 32 == 0 && threads <= 1024, e.getKey() + ": " + threads + " threads a block");
            assertTrue(l.gx() >= 1 && l.gy() >= 1 && l.gz() >= 1, e.getKey() + ": an empty grid");
            int expectedShared = switch (e.getKey()) {
                case SmallSets.FORWARD_KERNEL -> (int) SmallSets.forwardSharedBytes(80);
                case SmallSets.BACKWARD_KERNEL -> (int) SmallSets.backwardSharedBytes(80, 10);
                default -> 0;
            };
            assertEquals(expectedShared, l.sharedBytes(), e.getKey() + ": dynamic shared memory");
        }
        assertEquals(3, recordedLaunches().get(SmallSets.FORWARD_KERNEL).gx(), "one block per set");
    }

    /**
     * column_sums and transpose_sets put the sets on gridDim.y and gridDim.z, which the device limits to
     * 65,535: more sets go in launches of at most that many, each on its own part of the buffers.
     */
    @Test
    void moreSetsThanTheGridAllowsGoInChunksOnTheirOwnPartsOfTheBuffers() {
        record Chunk(String kernel, long gy, long gz, long in, long out) {
        }
        java.util.List<Chunk> chunks = new java.util.ArrayList<>();
        KernelArgs slots = new KernelArgs();
        KernelLaunches k = new KernelLaunches((kernel, gx, gy, gz, bx, by, shared, args) ->
                chunks.add(new Chunk(kernel, gy, gz, args.pointerAt(0), args.pointerAt(3))), slots::reset);
        int sets = 2 * Kernel.MAX_GRID_YZ + 10;
        int rows = 3;
        int cols = 5;
        k.columnSums(new View(0x10000), sets, rows, cols, new View(0x9000000));
        k.transpose(new View(0x10000), sets, rows, cols, new View(0x9000000));
        assertEquals(6, chunks.size(), "three launches each");
        long first = 0;
        for (int c = 0; c < 6; c++) {
            Chunk ch = chunks.get(c);
            if (c == 3) {
                first = 0;
            }
            long count = Math.min(Kernel.MAX_GRID_YZ, sets - first);
            boolean sums = ch.kernel().equals("column_sums");
            assertEquals(count, sums ? ch.gy() : ch.gz(), ch.kernel() + " chunk " + c + ": sets in the grid");
            assertEquals(0x10000 + 4L * first * rows * cols, ch.in(), ch.kernel() + " chunk " + c + ": input offset");
            assertEquals(0x9000000 + 4L * first * (sums ? cols : rows * cols), ch.out(),
                    ch.kernel() + " chunk " + c + ": output offset");
            first += count;
        }
    }
}

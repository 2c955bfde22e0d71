package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.bpa4j.cli.options.BackendOption;
import org.bpa4j.cli.options.BpaOptionsMixin;
import org.bpa4j.io.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** BPA of a .npy file (docs/MATH.md §2), and optionally its gradient (docs/MATH.md §3). */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = {"Z = BPA(X): X is (n, d) or (B, n, d); Z is (n, n) or (B, n, n).",
            "With --grad G, also DX = d sum(G * Z) / dX, shaped like X.",
            "With --top-k K (large sets, no n x n matrix): V (n, K) float32 to --output and the column indices",
            "I (n, K) int64 to --indices-output, each row's K largest entries of Z in descending order."})
final class TransformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Features (n, d) or (B, n, d).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Z.npy", description = "Where Z is written.")
    Path output;

    @Option(names = "--labels", paramLabel = "y.npy",
            description = "Integer labels of the first L rows: 1-D (L) for every set, or 2-D (B, L) per set.")
    Path labels;

    @Mixin
    BpaOptionsMixin bpaOptions;

    @Option(names = "--grad", paramLabel = "G.npy", description = "Gradient of the loss with respect to Z, shaped like Z.")
    Path grad;

    @Option(names = "--grad-output", paramLabel = "DX.npy", description = "Where DX is written (needs --grad).")
    Path gradOutput;

    @Mixin
    BackendOption backend;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64",
            description = "Precision of the computation's input and of Z and DX [float32].")
    DType precision;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Keep each row's K largest entries of Z, computed without an n x n matrix (input (n, d)).")
    Integer topK;

    @Option(names = "--indices-output", paramLabel = "I.npy",
            description = "With --top-k: where the column indices (n, K) int64 are written.")
    Path indicesOutput;

    @Option(names = "--quiet", description = "No progress bar on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if ((topK == null) != (indicesOutput == null)) {
            throw new InvalidInputException("--top-k and --indices-output go together: give both or neither");
        }
        if (topK != null) {
            return callTopK();
        }
        if ((grad == null) != (gradOutput == null)) {
            throw new InvalidInputException("--grad and --grad-output go together: give both or neither");
        }
        OutputFiles outputs = new OutputFiles();
        outputs.declare(output, "--output");
        outputs.declare(gradOutput, "--grad-output");
        outputs.input(input, "--input");
        outputs.input(labels, "--labels");
        outputs.input(grad, "--grad");

        Tensor x = NpyInputs.tensor(input, "--input", precision);
        if (x.rank() != 2 && x.rank() != 3) {
            throw new InvalidInputException("--input " + input + ": shape " + x.shapeString()
                    + " where (n, d) or (B, n, d) was expected");
        }
        int[][] perSet = labels == null ? null : readLabels(x);
        int n = x.rows();
        int[] zShape = x.rank() == 3 ? new int[] {x.dim(0), n, n} : new int[] {n, n};
        Tensor g = null;
        if (grad != null) {
            g = NpyInputs.tensor(grad, "--grad", precision);
            if (!Arrays.equals(g.shape(), zShape)) {
                throw new InvalidInputException("--grad " + grad + ": shape " + g.shapeString() + " where "
                        + Tensor.shapeString(zShape) + " (the shape of Z) was expected");
            }
        }

        Bpa bpa = bpaOptions.builder().device(backend.device()).precision(precision).build();
        long t0 = System.nanoTime();
        Device used;
        if (g != null) {
            BpaResult result = bpa.forward(x, perSet);
            outputs.put(output, result.output());
            outputs.put(gradOutput, result.backward(g));
            used = result.device();
        } else {
            // nothing is needed for a backward pass: the inference path holds one n×n matrix, not two
            outputs.put(output, bpa.transform(x, perSet));
            used = bpa.backend();
        }
        long t1 = System.nanoTime();
        outputs.commit();

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Z %s %s -> %s%s (%s backend, %.1f ms)%n", Tensor.shapeString(zShape),
                precision.label(), output, g == null ? "" : "; DX " + x.shapeString() + " -> " + gradOutput,
                used.label(), (t1 - t0) / 1e6);
        return ErrorReport.OK;
    }

    /** {@code --top-k}: the streaming path; V and I are written together or not at all. */
    private Integer callTopK() throws IOException {
        TopKTransform.checkK(topK);
        if (grad != null || gradOutput != null) {
            throw new InvalidInputException("--top-k has no gradient: drop --grad and --grad-output");
        }
        OutputFiles outputs = new OutputFiles();
        outputs.declare(output, "--output");
        outputs.declare(indicesOutput, "--indices-output");
        Tensor x = NpyInputs.tensor(input, "--input", precision);
        TopKTransform.checkInput(x, topK, input.toString());
        int[][] perSet = labels == null ? null : readLabels(x);
        Bpa bpa = bpaOptions.builder().device(backend.device()).build();
        long t0 = System.nanoTime();
        TopKRows top = TopKTransform.run(bpa, x, topK, perSet == null ? null : perSet[0],
                spec.commandLine().getErr(), quiet);
        long t1 = System.nanoTime();
        outputs.put(output, top.values());
        outputs.put(indicesOutput, top.indexArray(), x.rows(), topK);
        outputs.commit();
        spec.commandLine().getOut().printf(Locale.ROOT, "V (%d, %d) float32 -> %s; I (%d, %d) int64 -> %s (%.1f s)%n",
                x.rows(), topK, output, x.rows(), topK, indicesOutput, (t1 - t0) / 1e9);
        return ErrorReport.OK;
    }

    /** Labels as one array per set: a 1-D file serves every set, a 2-D file (B, L) gives each its own. */
    private int[][] readLabels(Tensor x) throws IOException {
        NpyArray y = NpyInputs.read(labels, "--labels");
        int sets = x.sets();
        int[] values = y.toIntArray();
        int[][] perSet = new int[sets][];
        if (y.rank() == 1) {
            Arrays.fill(perSet, values);
        } else if (y.rank() == 2) {
            int[] shape = y.shape();
            if (shape[0] != sets) {
                throw new InvalidInputException("--labels " + labels + ": shape " + Tensor.shapeString(shape)
                        + " has " + shape[0] + " rows but --input has " + sets + " set" + (sets == 1 ? "" : "s")
                        + " (give 1-D labels to share them)");
            }
            for (int b = 0; b < sets; b++) {
                perSet[b] = Arrays.copyOfRange(values, b * shape[1], (b + 1) * shape[1]);
            }
        } else {
            throw new InvalidInputException("--labels " + labels + ": shape " + Tensor.shapeString(y.shape())
                    + " where 1-D (L) or 2-D (B, L) was expected");
        }
        int length = perSet[0].length;
        if (length > x.rows()) {
            throw new InvalidInputException("--labels " + labels + ": " + length + " labels but --input has only "
                    + x.rows() + " rows per set");
        }
        return perSet;
    }
}

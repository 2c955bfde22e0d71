package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.cli.options.BackendOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The BAM loss of a .npy file of embeddings (docs/MATH.md §4), and optionally its gradients. */
@Command(name = "bam", mixinStandardHelpOptions = true,
        description = {"The BAM self-supervised loss of embeddings Z (N, d), N = (large + local crops) x batch,",
            "view v in rows [v*B, (v+1)*B). Prints loss=<value>; with --teacher, the distillation form.",
            "--grad-output writes dloss/dZ, --teacher-grad-output dloss/dZT."})
final class BamCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "Z.npy", description = "Embeddings (N, d).")
    Path input;

    @Option(names = "--teacher", paramLabel = "ZT.npy",
            description = "Teacher embeddings (N, d): targets and target similarities come from them.")
    Path teacher;

    @Option(names = "--large-crops", required = true, paramLabel = "L", description = "Large (global) crops.")
    int largeCrops;

    @Option(names = "--local-crops", required = true, paramLabel = "S", description = "Local crops.")
    int localCrops;

    @Option(names = "--target-crops", paramLabel = "T", description = "Target crops [= large crops].")
    Integer targetCrops;

    @Option(names = "--temperature", defaultValue = "0.1", description = "Softmax temperature [0.1].")
    double temperature;

    @Option(names = "--reg", defaultValue = "0.05", description = "Sinkhorn regularisation of the target [0.05].")
    double reg;

    @Option(names = "--iterations", defaultValue = "3", description = "Sinkhorn iterations of the target [3].")
    int iterations;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep each row's top-k targets, 0 = all [0].")
    int topK;

    @Option(names = "--no-positive-masking", description = "Do not mask the other views of the same image.")
    boolean noPositiveMasking;

    @Option(names = "--grad-output", paramLabel = "DZ.npy", description = "Where dloss/dZ is written.")
    Path gradOutput;

    @Option(names = "--teacher-grad-output", paramLabel = "DZT.npy",
            description = "Where dloss/dZT is written (needs --teacher).")
    Path teacherGradOutput;

    @Mixin
    BackendOption backend;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64",
            description = "Precision of the computation's input and of the gradients [float32].")
    DType precision;

    @Override
    public Integer call() throws IOException {
        if (teacherGradOutput != null && teacher == null) {
            throw new InvalidInputException("--teacher-grad-output needs --teacher (the plain loss has no teacher)");
        }
        OutputFiles outputs = new OutputFiles();
        outputs.declare(gradOutput, "--grad-output");
        outputs.declare(teacherGradOutput, "--teacher-grad-output");
        outputs.input(input, "--input");
        outputs.input(teacher, "--teacher");

        BamLoss.Builder builder = BamLoss.builder().largeCrops(largeCrops).localCrops(localCrops)
                .temperature(temperature).reg(reg).iterations(iterations).topK(topK)
                .positiveMasking(!noPositiveMasking).device(backend.device()).precision(precision);
        if (targetCrops != null) {
            builder.targetCrops(targetCrops);
        }
        BamLoss loss = builder.build();

        Tensor z = embeddings(input, "--input", precision);
        BamResult result;
        if (teacher != null) {
            Tensor zt = embeddings(teacher, "--teacher", precision);
            if (!Arrays.equals(zt.shape(), z.shape())) {
                throw new InvalidInputException("--teacher " + teacher + ": shape " + zt.shapeString() + " where "
                        + z.shapeString() + " (the shape of --input) was expected");
            }
            result = loss.forward(z, zt);
        } else {
            result = loss.forward(z);
        }
        if (gradOutput != null) {
            outputs.put(gradOutput, result.backward());
        }
        if (teacherGradOutput != null) {
            outputs.put(teacherGradOutput, result.teacherBackward());
        }
        outputs.commit();

        PrintWriter out = spec.commandLine().getOut();
        out.println("loss=" + result.loss());
        return ErrorReport.OK;
    }

    private static Tensor embeddings(Path file, String option, DType precision) throws IOException {
        Tensor t = NpyInputs.tensor(file, option, precision);
        if (t.rank() != 2) {
            throw new InvalidInputException(option + " " + file + ": shape " + t.shapeString()
                    + " where (N, d) was expected");
        }
        return t;
    }
}

package org.bpa4j.spark.cli;

import org.bpa4j.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.bpa4j.cli.options.BpaOptionsMixin;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.spark.DistributedBpa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bpa4j transform --top-k} of one large set, its rows spread over Spark partitions ({@link DistributedBpa}):
 * the same files, V (n, K) float32 and I (n, K) int64, written together or not at all.
 */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = {"The top-k BPA of one set X (n, d) as 'bpa4j transform --top-k K': each row's K largest",
            "entries of Z, V (n, K) float32 to --output and their columns I (n, K) int64 to --indices-output,",
            "the rows spread over --partitions Spark partitions (2T + 1 Spark jobs)."})
final class SparkTransformCommand implements Callable<Integer> {
    @ParentCommand
    SparkMain main;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Features (n, d).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "V.npy", description = "Where V is written.")
    Path output;

    @Option(names = "--indices-output", required = true, paramLabel = "I.npy",
            description = "Where the column indices I (n, K) int64 are written.")
    Path indicesOutput;

    @Option(names = "--top-k", required = true, paramLabel = "K", description = "Entries kept per row.")
    int topK;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Row blocks (partitions) [Spark's default parallelism].")
    Integer partitions;

    @Option(names = "--labels", paramLabel = "y.npy", description = "Integer labels (L) of the first L rows.")
    Path labels;

    @Mixin
    BpaOptionsMixin bpaOptions;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend for the row blocks on the executors [auto].")
    Device backend;

    @Override
    public Integer call() throws IOException {
        if (output.toAbsolutePath().equals(indicesOutput.toAbsolutePath())) {
            throw new InvalidInputException("--output and --indices-output are the same file: " + output);
        }
        Tensor x = read(input, "--input").toTensor(DType.FLOAT32);
        if (x.rank() != 2) {
            throw new InvalidInputException("--input " + input + ": shape " + x.shapeString()
                    + " where one set (n, d) was expected");
        }
        int[] y = null;
        if (labels != null) {
            NpyArray l = read(labels, "--labels");
            if (l.rank() != 1) {
                throw new InvalidInputException("--labels " + labels + ": shape " + Tensor.shapeString(l.shape())
                        + " where 1-D (L) was expected");
            }
            y = l.toIntArray();
        }
        if (partitions != null && partitions < 1) {
            throw new InvalidInputException("--partitions must be >= 1, got " + partitions);
        }
        Bpa bpa = bpaOptions.builder().device(backend).build();
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(main.session().sparkContext());
        int parts = partitions != null ? partitions : spark.defaultParallelism();
        TopKRows top = DistributedBpa.topK(spark, bpa, x, y, topK, Math.min(parts, x.rows()));
        // both files or neither: each is written beside its target, then both are moved into place
        Path v = temporary(output);
        Path i = temporary(indicesOutput);
        try {
            Npy.write(v, top.values());
            Npy.write(i, top.indexArray(), top.rows(), top.k());
            Files.move(v, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(i, indicesOutput, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(v);
            Files.deleteIfExists(i);
        }
        return 0;
    }

    private static NpyArray read(Path file, String option) throws IOException {
        try {
            return Npy.read(file);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(option + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path temporary(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InvalidInputException(target + ": the folder " + dir + " does not exist");
        }
        return Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    }
}

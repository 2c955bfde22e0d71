package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.cli.options.BackendOption;
import org.bpa4j.cli.options.BpaOptionsMixin;
import org.bpa4j.retrieval.Ranking;
import org.bpa4j.retrieval.Rerank;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** BPA re-ranking of a gallery for each query (README, "Re-ranking and retrieval"). */
@Command(name = "rerank", mixinStandardHelpOptions = true,
        description = {"Ranks the gallery for each query by the Euclidean distance between rows of BPA([Q; G]).",
            "R (q, K) int64: gallery indices, nearest first (ties: lower index); D (q, K) float32: the distances."})
final class RerankCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--query", required = true, paramLabel = "Q.npy", description = "Query features (q, d).")
    Path query;

    @Option(names = "--gallery", required = true, paramLabel = "G.npy", description = "Gallery features (g, d).")
    Path gallery;

    @Option(names = "--output", required = true, paramLabel = "R.npy",
            description = "Where the ranking R (q, K) of gallery indices is written (int64).")
    Path output;

    @Option(names = "--distances-output", paramLabel = "D.npy",
            description = "Where the distances D (q, K) are written (float32).")
    Path distancesOutput;

    @Option(names = "--top-k", paramLabel = "K", description = "Gallery items ranked per query [the whole gallery].")
    Integer topK;

    @Option(names = "--keep", paramLabel = "M",
            description = "Keep only each BPA row's M largest entries; distances between these sparse rows.")
    Integer keep;

    @Mixin
    BpaOptionsMixin bpaOptions;

    @Mixin
    BackendOption backend;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64",
            description = "Precision of the BPA computation [float32]; D is written in float32.")
    DType precision;

    @Override
    public Integer call() throws IOException {
        if (topK != null && topK < 1) {
            throw new InvalidInputException("--top-k must be >= 1, got " + topK);
        }
        if (keep != null && keep < 1) {
            throw new InvalidInputException("--keep must be >= 1, got " + keep);
        }
        OutputFiles outputs = new OutputFiles();
        outputs.declare(output, "--output");
        outputs.declare(distancesOutput, "--distances-output");
        Tensor q = features(query, "--query");
        Tensor g = features(gallery, "--gallery");
        if (q.cols() != g.cols()) {
            throw new InvalidInputException("--query " + query + " has d = " + q.cols() + " but --gallery "
                    + gallery + " has d = " + g.cols() + " (shapes " + q.shapeString() + " and " + g.shapeString()
                    + ")");
        }
        Bpa bpa = bpaOptions.builder().device(backend.device()).precision(precision).build();
        Rerank.Builder rerank = Rerank.builder().bpa(bpa);
        if (topK != null) {
            rerank.topK(topK);
        }
        if (keep != null) {
            rerank.keep(keep);
        }
        long t0 = System.nanoTime();
        Ranking ranking = rerank.build().rank(q, g);
        long t1 = System.nanoTime();
        outputs.put(output, ranking.indicesAsLongs(), ranking.queries(), ranking.k());
        if (distancesOutput != null) {
            outputs.put(distancesOutput, ranking.distancesTensor());
        }
        outputs.commit();

        PrintWriter out = spec.commandLine().getOut();
        String shape = Tensor.shapeString(new int[] {ranking.queries(), ranking.k()});
        out.printf(Locale.ROOT, "R %s int64 -> %s%s (%d queries, gallery of %d, %s, %.1f ms)%n", shape, output,
                distancesOutput == null ? "" : "; D " + shape + " float32 -> " + distancesOutput, ranking.queries(),
                ranking.gallerySize(), keep == null ? "dense BPA rows" : "each BPA row's " + keep + " largest entries",
                (t1 - t0) / 1e6);
        return ErrorReport.OK;
    }

    /** A 2-D (rows, d) feature file with at least one row. */
    private Tensor features(Path file, String option) throws IOException {
        Tensor t = NpyInputs.tensor(file, option, precision);
        if (t.rank() != 2) {
            throw new InvalidInputException(option + " " + file + ": shape " + t.shapeString()
                    + " where (rows, d) was expected");
        }
        if (t.rows() < 1) {
            throw new InvalidInputException(option + " " + file + ": no rows (shape " + t.shapeString() + ")");
        }
        return t;
    }
}

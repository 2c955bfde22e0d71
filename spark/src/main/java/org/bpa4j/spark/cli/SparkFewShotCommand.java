package org.bpa4j.spark.cli;

import org.bpa4j.InvalidInputException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.fewshot.BundledDigits;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeSampler;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.FewShotReport;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.spark.DistributedFewShot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bpa4j fewshot} with the episodes spread over Spark partitions: the same options, the same output. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = {"Few-shot classification as 'bpa4j fewshot' (the same options and output, digit for digit),",
            "the episodes of each setting spread over --partitions Spark partitions."})
final class SparkFewShotCommand implements Callable<Integer> {
    /** How the results are printed, as {@code bpa4j fewshot --format}. */
    enum Format {
        text,
        tsv
    }

    @Spec
    CommandSpec spec;

    @ParentCommand
    SparkMain main;

    @Option(names = "--way", defaultValue = "5", description = "Classes per episode [5].")
    int way;

    @Option(names = "--shots", split = ",", defaultValue = "1,5", description = "Support items per class [1,5].")
    List<Integer> shots;

    @Option(names = "--queries", defaultValue = "15", description = "Query items per class [15].")
    int queries;

    @Option(names = "--episodes", defaultValue = "1000", description = "Episodes per shot [1000].")
    int episodes;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the episodes [1].")
    long seed;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tsv",
            description = "text, or tsv: a header, then rows 'way shot method accuracy ci95' [text].")
    Format format;

    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Label first, then features, one item a line; '#' comments [the bundled UCI digits].")
    Path data;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend for BPA on the executors [auto].")
    Device backend;

    @Option(names = "--batch", defaultValue = "" + EpisodeEvaluation.DEFAULT_BATCH,
            description = "Episodes per BPA call [" + EpisodeEvaluation.DEFAULT_BATCH + "].")
    int batch;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Partitions the episodes of a setting are spread over [Spark's default parallelism].")
    Integer partitions;

    @Override
    public Integer call() throws IOException {
        if (shots == null || shots.isEmpty()) {
            throw new InvalidInputException("--shots: give at least one number of shots");
        }
        List<EpisodeShape> shapes = new ArrayList<>();
        for (int shot : shots) {
            shapes.add(new EpisodeShape(way, shot, queries));
        }
        if (episodes < 1) {
            throw new InvalidInputException("--episodes must be >= 1, got " + episodes);
        }
        if (batch < 1) {
            throw new InvalidInputException("--batch must be >= 1, got " + batch);
        }
        if (partitions != null && partitions < 1) {
            throw new InvalidInputException("--partitions must be >= 1, got " + partitions);
        }
        LabeledData items = data == null ? BundledDigits.load() : LabeledData.readCsv(data);
        String source = data == null ? "the bundled UCI digits" : data.toString();
        for (EpisodeShape shape : shapes) {
            new EpisodeSampler(items, shape, seed); // refuses shapes the data cannot fill, before any output
        }
        // the backend the driver would pick; executors pick theirs the same way (AUTO: CUDA where there is one)
        String backendName = Backends.resolve(backend).device().label();
        Bpa bpa = Bpa.builder().device(backend).build();
        SparkSession session = main.session();
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
        int parts = partitions != null ? partitions : spark.defaultParallelism();
        PrintWriter out = spec.commandLine().getOut();
        out.println(format == Format.tsv ? FewShotReport.TSV_HEADER
                : FewShotReport.textHeader(source, items, episodes, seed, backendName));
        out.flush();
        for (EpisodeShape shape : shapes) {
            Comparison c = DistributedFewShot.compare(spark, items, shape, episodes, seed, bpa, batch, parts);
            out.println(format == Format.tsv ? FewShotReport.tsvLines(c) : FewShotReport.textLine(c));
            out.flush();
        }
        return 0;
    }
}

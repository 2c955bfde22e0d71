package org.bpa4j.spark.cli;

import org.bpa4j.InvalidInputException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.bpa4j.Backends;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.cli.options.FewShotOptions;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.spark.DistributedFewShot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bpa4j fewshot} with the episodes spread over Spark partitions: the same options, the same output. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = {"Few-shot classification as 'bpa4j fewshot' (the same options and output, digit for digit),",
            "the episodes of each setting spread over --partitions Spark partitions."})
final class SparkFewShotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    SparkMain main;

    @Mixin
    FewShotOptions fewShot;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend for BPA on the executors [auto].")
    Device backend;

    @Option(names = "--partitions", paramLabel = "P",
            description = "Partitions the episodes of a setting are spread over [Spark's default parallelism].")
    Integer partitions;

    @Override
    public Integer call() throws IOException {
        List<EpisodeShape> shapes = fewShot.shapes();
        int episodes = fewShot.episodes();
        if (episodes < 1) {
            throw new InvalidInputException("--episodes must be >= 1, got " + episodes);
        }
        fewShot.checkBatch();
        if (partitions != null && partitions < 1) {
            throw new InvalidInputException("--partitions must be >= 1, got " + partitions);
        }
        LabeledData items = fewShot.items(shapes);
        // the backend the driver would pick; executors pick theirs the same way (AUTO: CUDA where there is one)
        String backendName = Backends.resolve(backend).device().label();
        Bpa bpa = Bpa.builder().device(backend).build();
        SparkSession session = main.session();
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
        int parts = partitions != null ? partitions : spark.defaultParallelism();
        PrintWriter out = spec.commandLine().getOut();
        out.println(fewShot.header(items, backendName));
        out.flush();
        for (EpisodeShape shape : shapes) {
            Comparison c = DistributedFewShot.compare(spark, items, shape, episodes, fewShot.seed(), bpa,
                    fewShot.batch(), parts);
            out.println(fewShot.lines(c));
            out.flush();
        }
        return 0;
    }
}

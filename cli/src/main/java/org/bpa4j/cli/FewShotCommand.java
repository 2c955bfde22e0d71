package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.InvalidInputException;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeSampler;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.FewShotReport;
import org.bpa4j.fewshot.LabeledData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Few-shot accuracy of prototypes on raw features and on BPA features, over the same random episodes. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = {"Few-shot classification: nearest class mean (Prototypical Networks) on the raw features",
            "('raw') and on the rows of BPA of each episode with the support labels ('bpa'), same episodes.",
            "Accuracy in %%, mean over episodes; ci95 = 1.96 std / sqrt(episodes)."})
final class FewShotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

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
    OutputFormat format;

    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Label first, then features, one item a line; '#' comments [the bundled UCI digits].")
    Path data;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend for BPA [auto].")
    Device backend;

    @Option(names = "--batch", defaultValue = "" + EpisodeEvaluation.DEFAULT_BATCH,
            description = "Episodes per BPA call [" + EpisodeEvaluation.DEFAULT_BATCH + "].")
    int batch;

    @Override
    public Integer call() throws IOException {
        List<EpisodeShape> shapes = shapes(way, shots, queries);
        if (episodes < 1 || episodes > EpisodeEvaluation.MAX_EPISODES) {
            throw new InvalidInputException("--episodes must be in 1.." + EpisodeEvaluation.MAX_EPISODES
                    + ", got " + episodes);
        }
        if (batch < 1) {
            throw new InvalidInputException("--batch must be >= 1, got " + batch);
        }
        LabeledData items = data == null ? BundledDigits.load() : LabeledData.readCsv(data);
        String source = data == null ? "the bundled UCI digits" : data.toString();
        for (EpisodeShape shape : shapes) {
            new EpisodeSampler(items, shape, seed); // refuses shapes the data cannot fill, before any output
        }
        Bpa bpa = Bpa.builder().device(backend).build();
        String backendName = bpa.backend().label();
        PrintWriter out = spec.commandLine().getOut();
        out.println(format == OutputFormat.tsv ? FewShotReport.TSV_HEADER
                : FewShotReport.textHeader(source, items, episodes, seed, backendName));
        for (EpisodeShape shape : shapes) {
            Comparison c = EpisodeEvaluation.compare(items, shape, episodes, seed, bpa, batch);
            out.println(format == OutputFormat.tsv ? FewShotReport.tsvLines(c) : FewShotReport.textLine(c));
        }
        return ErrorReport.OK;
    }

    static List<EpisodeShape> shapes(int way, List<Integer> shots, int queries) {
        if (shots == null || shots.isEmpty()) {
            throw new InvalidInputException("--shots: give at least one number of shots");
        }
        List<EpisodeShape> shapes = new ArrayList<>();
        for (int shot : shots) {
            shapes.add(new EpisodeShape(way, shot, queries));
        }
        return shapes;
    }

    /** One setting in the text format (also the demo's), as {@link FewShotReport#textLine}. */
    static String textLine(Comparison c) {
        return FewShotReport.textLine(c);
    }
}

package org.bpa4j.cli.options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpa4j.InvalidInputException;
import org.bpa4j.fewshot.BundledDigits;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeSampler;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.FewShotReport;
import org.bpa4j.fewshot.LabeledData;
import picocli.CommandLine.Option;

/**
 * The few-shot evaluation's options, the same in {@code bpa4j fewshot} and {@code bpa4j-spark fewshot} (which
 * prints the same report, digit for digit): the episodes' shape, how many, their seed, the data, the batch and
 * the report's format. The episode count's range is the command's own (each states it in its refusal).
 */
public final class FewShotOptions {
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

    @Option(names = "--batch", defaultValue = "" + EpisodeEvaluation.DEFAULT_BATCH,
            description = "Episodes per BPA call [" + EpisodeEvaluation.DEFAULT_BATCH + "].")
    int batch;

    /** One episode shape per {@code --shots} entry; refuses an empty list and shapes the API refuses. */
    public List<EpisodeShape> shapes() {
        if (shots == null || shots.isEmpty()) {
            throw new InvalidInputException("--shots: give at least one number of shots");
        }
        List<EpisodeShape> shapes = new ArrayList<>();
        for (int shot : shots) {
            shapes.add(new EpisodeShape(way, shot, queries));
        }
        return shapes;
    }

    /** Refuses a {@code --batch} below 1. */
    public void checkBatch() {
        if (batch < 1) {
            throw new InvalidInputException("--batch must be >= 1, got " + batch);
        }
    }

    /**
     * The items: {@code --data}, else the bundled UCI digits; refuses, before any output, a shape the data
     * cannot fill.
     */
    public LabeledData items(List<EpisodeShape> shapes) throws IOException {
        if (shapes == null) {
            throw new InvalidInputException("FewShotOptions.items: shapes is null");
        }
        LabeledData items = data == null ? BundledDigits.load() : LabeledData.readCsv(data);
        for (EpisodeShape shape : shapes) {
            new EpisodeSampler(items, shape, seed);
        }
        return items;
    }

    /** The report's first line: the tsv header, or the text header that names the data and the backend. */
    public String header(LabeledData items, String backendName) {
        if (items == null || backendName == null) {
            throw new InvalidInputException("FewShotOptions.header: items and backendName must not be null");
        }
        String source = data == null ? "the bundled UCI digits" : data.toString();
        return format == OutputFormat.tsv ? FewShotReport.TSV_HEADER
                : FewShotReport.textHeader(source, items, episodes, seed, backendName);
    }

    /** One setting's lines of the report, in the chosen format. */
    public String lines(Comparison c) {
        if (c == null) {
            throw new InvalidInputException("FewShotOptions.lines: the comparison is null");
        }
        return format == OutputFormat.tsv ? FewShotReport.tsvLines(c) : FewShotReport.textLine(c);
    }

    /** {@code --episodes}: episodes per setting. */
    public int episodes() {
        return episodes;
    }

    /** {@code --seed}: the seed of the episodes. */
    public long seed() {
        return seed;
    }

    /** {@code --batch}: episodes per BPA call. */
    public int batch() {
        return batch;
    }
}

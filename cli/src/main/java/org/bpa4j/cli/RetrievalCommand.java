package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.InvalidInputException;
import org.bpa4j.cli.options.BpaBackendOption;
import org.bpa4j.cli.options.OutputFormat;
import org.bpa4j.retrieval.RetrievalScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Retrieval on the bundled digits: raw pixels against BPA re-ranking (README, "Re-ranking and retrieval"). */
@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = {"Retrieval on the bundled digits: a seeded split into queries and a gallery, mAP and top-1",
            "for raw pixels (Euclidean), BPA re-ranking, and BPA re-ranking keeping each row's M largest entries."})
final class RetrievalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--queries", defaultValue = "300", description = "Queries; the other images are the gallery [300].")
    int queries;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split [1].")
    long seed;

    @Option(names = "--reg", defaultValue = "0.1", description = "BPA's entropic regularisation [0.1].")
    double reg;

    @Option(names = "--iterations", defaultValue = "10", description = "Sinkhorn iterations [10].")
    int iterations;

    @Option(names = "--keep", defaultValue = "200", paramLabel = "M",
            description = "Entries kept per BPA row in the keep-M line [200]; 0 leaves that line out.")
    int keep;

    @Mixin
    BpaBackendOption backend;

    @Option(names = "--write-split", paramLabel = "DIR",
            description = "Also write the split to DIR: query.npy, gallery.npy (float32), query_labels.npy, "
                    + "gallery_labels.npy (int64), for outside scripts.")
    Path writeSplit;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|tsv",
            description = "text, or tsv rows: method reg keep map top1 [text].")
    OutputFormat format;

    @Override
    public Integer call() throws IOException {
        if (keep < 0) {
            throw new InvalidInputException("--keep must be >= 1 (or 0 for no keep-M line), got " + keep);
        }
        if (writeSplit != null && !Files.isDirectory(writeSplit)) {
            throw new InvalidInputException("--write-split " + writeSplit + ": no such folder");
        }
        Bpa bpa = Bpa.builder().reg(reg).iterations(iterations).device(backend.device()).build();
        DigitsRetrieval split = DigitsRetrieval.split(queries, seed);
        int n = split.queries().size() + split.gallery().size();
        if (keep > n) {
            throw new InvalidInputException("--keep " + keep + " is larger than the " + n + " images");
        }
        OutputFiles outputs = new OutputFiles();
        if (writeSplit != null) {
            Path q = outputs.declare(writeSplit.resolve("query.npy"), "--write-split");
            Path g = outputs.declare(writeSplit.resolve("gallery.npy"), "--write-split");
            Path ql = outputs.declare(writeSplit.resolve("query_labels.npy"), "--write-split");
            Path gl = outputs.declare(writeSplit.resolve("gallery_labels.npy"), "--write-split");
            outputs.put(q, split.queryFeatures());
            outputs.put(g, split.galleryFeatures());
            outputs.put(ql, DigitsRetrieval.asLongs(split.queryLabels()), split.queries().size());
            outputs.put(gl, DigitsRetrieval.asLongs(split.galleryLabels()), split.gallery().size());
        }
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        if (format == OutputFormat.tsv) {
            out.println("method\treg\tkeep\tmap\ttop1");
        } else {
            out.printf(Locale.ROOT, "Retrieval on the bundled digits: %d queries against a gallery of %d (seed %d);"
                    + " relevant = same digit.%n", split.queries().size(), split.gallery().size(), seed);
        }
        print(out, "raw", "raw pixels (Euclidean)", Double.NaN, 0, split.raw());
        print(out, "bpa", "BPA", reg, 0, split.bpa(bpa, 0));
        if (keep > 0) {
            print(out, "bpa-keep", "BPA keep " + keep, reg, keep, split.bpa(bpa, keep));
        }
        outputs.commit();
        if (format == OutputFormat.text) {
            out.printf(Locale.ROOT, "Done in %.1f s.%s%n", (System.nanoTime() - t0) / 1e9,
                    writeSplit == null ? "" : " The split is in " + writeSplit + ".");
        }
        return ErrorReport.OK;
    }

    private void print(PrintWriter out, String method, String label, double reg, int keep, RetrievalScore s) {
        if (format == OutputFormat.tsv) {
            out.printf(Locale.ROOT, "%s\t%s\t%d\t%.4f\t%.4f%n", method, Double.isNaN(reg) ? "" : reg, keep,
                    100 * s.meanAveragePrecision(), 100 * s.top1());
        } else {
            out.println(textLine(Double.isNaN(reg) ? label : label + " (reg " + reg + ")", s));
        }
        out.flush();
    }

    static String textLine(String label, RetrievalScore s) {
        return String.format(Locale.ROOT, "  %-28s mAP %6.2f%%   top-1 %6.2f%%", label,
                100 * s.meanAveragePrecision(), 100 * s.top1());
    }
}

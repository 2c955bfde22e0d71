package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.InvalidInputException;
import org.bpa4j.cli.options.BpaBackendOption;
import org.bpa4j.fewshot.BundledDigits;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.FewShotReport;
import org.bpa4j.fewshot.LabeledData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The README's first command: BPA's few-shot gain on the bundled digits, explained in a few lines. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Shows what BPA does: few-shot classification of the bundled hand-written digits, with and without it.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--episodes", defaultValue = "1000", description = "Episodes per setting [1000].")
    int episodes;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the episodes [1].")
    long seed;

    @Mixin
    BpaBackendOption backend;

    @Override
    public Integer call() throws IOException {
        if (episodes < 1 || episodes > EpisodeEvaluation.MAX_EPISODES) {
            throw new InvalidInputException("--episodes must be in 1.." + EpisodeEvaluation.MAX_EPISODES
                    + ", got " + episodes);
        }
        LabeledData digits = BundledDigits.load();
        String backendName = Bpa.builder().device(backend.device()).build().backend().label();
        PrintWriter out = spec.commandLine().getOut();
        out.println("bpa4j demo: few-shot classification of hand-written digits (UCI, 1797 images of 8x8 pixels).");
        out.println();
        out.println("Each episode picks 5 digit classes at random, with 1 (or 5) labelled images per class");
        out.println("(the support) and 15 unlabelled images per class to classify (the queries).");
        out.println("  raw: a query goes to the class whose mean pixel vector is nearest (Prototypical Networks).");
        out.println("  bpa: the same rule, but first the whole episode goes through the BPA transform: each image");
        out.println("       is re-described by its optimal-transport affinities to every other image of the episode.");
        out.printf(Locale.ROOT, "Running %d episodes per setting, the same episodes for both methods, BPA on the %s"
                + " backend...%n%n", episodes, backendName);
        out.flush();
        long t0 = System.nanoTime();
        Bpa bpa = Bpa.builder().device(backend.device()).build();
        for (int shot : List.of(1, 5)) {
            Comparison c = EpisodeEvaluation.compare(digits, new EpisodeShape(5, shot, 15), episodes, seed, bpa);
            out.println(FewShotReport.textLine(c));
            out.flush();
        }
        out.println(retrievalLine(bpa));
        out.println();
        out.println("Accuracy is the mean over episodes; ± is the 95% interval (1.96 std / sqrt(episodes)).");
        out.println("The BPA authors' code on the same data (600 episodes): 1-shot 73.8% -> 76.6%, 5-shot 89.6% -> 91.8%.");
        out.println("Retrieval: 300 digits query the other 1497, ranked by distance; mAP is the mean average precision"
                + " (bpa4j retrieval).");
        out.printf(Locale.ROOT, "Done in %.1f s. More: bpa4j fewshot --help, bpa4j transform --help, bpa4j info.%n",
                (System.nanoTime() - t0) / 1e9);
        return ErrorReport.OK;
    }

    /** Retrieval on the seeded digits split: raw pixels against dense BPA re-ranking (bpa4j retrieval). */
    private static String retrievalLine(Bpa bpa) throws IOException {
        DigitsRetrieval split = DigitsRetrieval.split(DigitsRetrieval.QUERIES, 1);
        org.bpa4j.retrieval.RetrievalScore raw = split.raw();
        org.bpa4j.retrieval.RetrievalScore reranked = split.bpa(bpa, 0);
        return String.format(Locale.ROOT, "  retrieval, 300 queries:        raw  mAP %5.2f%%        bpa  mAP %5.2f%%"
                + "        (%+.2f points)", 100 * raw.meanAveragePrecision(), 100 * reranked.meanAveragePrecision(),
                100 * (reranked.meanAveragePrecision() - raw.meanAveragePrecision()));
    }
}

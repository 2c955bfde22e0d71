package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.InvalidInputException;
import org.bpa4j.cli.options.BpaBackendOption;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.train.Linear;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Episodic training through BPA on the bundled digits, then held-out few-shot accuracy before and after. */
@Command(name = "train-fewshot", mixinStandardHelpOptions = true,
        description = {"Trains a linear layer 64->64 (identity at start, Adam) on 5-way 5-shot episodes of 1000",
            "digits through BPA with the support labels and a ProtoNet cross-entropy (gradient by BPA's analytic",
            "backward), then reports held-out 5-way accuracy (797 other digits) of four methods: raw features,",
            "raw+BPA, trained features, trained+BPA. Accuracy in %; ci95 = 1.96 std / sqrt(episodes)."})
final class TrainFewShotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--episodes", defaultValue = "1000", description = "Training episodes [1000].")
    int episodes;

    @Option(names = "--eval-episodes", defaultValue = "600", description = "Held-out episodes per shot [600].")
    int evalEpisodes;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate [1e-3].")
    double lr;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, the training and the episodes [1].")
    long seed;

    @Mixin
    BpaBackendOption backend;

    @Override
    public Integer call() throws IOException {
        if (episodes < 1) {
            throw new InvalidInputException("--episodes must be >= 1, got " + episodes);
        }
        if (evalEpisodes < 1) {
            throw new InvalidInputException("--eval-episodes must be >= 1, got " + evalEpisodes);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InvalidInputException("--lr must be a finite number > 0, got " + lr);
        }
        DigitsSplit split = DigitsSplit.of(seed);
        Bpa bpa = Bpa.builder().device(backend.device()).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf(Locale.ROOT, "Training a linear layer %d->%d (identity at start, Adam lr %s) on %d episodes of"
                + " 5-way 5-shot, 15 queries, from %d digits; BPA (cosine, reg 0.1, 10 iterations) on the %s backend.%n",
                split.train().dim(), split.train().dim(), Double.toString(lr), episodes, split.train().size(),
                bpa.backend().label());
        out.flush();

        long t0 = System.nanoTime();
        ProgressBar bar = new ProgressBar(err, "train", episodes);
        double[] recent = new double[2];
        int window = Math.max(1, Math.min(100, episodes));
        double[][] last = new double[window][];
        Linear layer = FewShotTraining.train(split.train(), new EpisodeShape(5, 5, 15), episodes, lr, bpa, seed,
                (done, loss, accuracy) -> {
                    last[(done - 1) % window] = new double[] {loss, accuracy};
                    recent[0] = 0;
                    recent[1] = 0;
                    int count = Math.min(done, window);
                    for (int i = 0; i < count; i++) {
                        recent[0] += last[i][0] / count;
                        recent[1] += last[i][1] / count;
                    }
                    bar.update(done, String.format(Locale.ROOT, "loss %.3f, query accuracy %.1f%% (last %d)",
                            recent[0], 100 * recent[1], count));
                });
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "Trained in %.1f s; over the last %d episodes: loss %.3f, training query accuracy"
                + " %.1f%%.%n%n", trainSeconds, window, recent[0], 100 * recent[1]);

        LabeledData trained = DigitsSplit.mapped(split.heldOut(), layer::forward, layer.out());
        out.printf(Locale.ROOT, "Held-out: %d digits, %d episodes per setting (5-way, 15 queries), the same episodes"
                + " for every method.%n", split.heldOut().size(), evalEpisodes);
        out.println("  setting   raw             raw+BPA         trained         trained+BPA");
        long evalSeed = seed + 1;
        for (int shot : new int[] {1, 5}) {
            EpisodeShape shape = new EpisodeShape(5, shot, 15);
            Comparison before = EpisodeEvaluation.compare(split.heldOut(), shape, evalEpisodes, evalSeed, bpa);
            Comparison after = EpisodeEvaluation.compare(trained, shape, evalEpisodes, evalSeed, bpa);
            out.printf(Locale.ROOT, "  %d-shot    %s  %s  %s  %s%n", shot, cell(before.raw()), cell(before.bpa()),
                    cell(after.raw()), cell(after.bpa()));
            out.flush();
        }
        out.println();
        out.println("The BPA authors' PyTorch code on this recipe: 1-shot raw 75.1, raw+BPA 78.0, trained+BPA 91.3;"
                + " 5-shot raw 90.1, raw+BPA 92.3, trained+BPA 96.6.");
        return ErrorReport.OK;
    }

    private static String cell(EpisodeEvaluation.Accuracy a) {
        return String.format(Locale.ROOT, "%5.2f%% ± %.2f", a.percent(), a.ci95());
    }
}

package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.bpa4j.Bpa;
import org.bpa4j.InvalidInputException;
import org.bpa4j.cli.options.BpaBackendOption;
import org.bpa4j.cli.options.FewShotOptions;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.LabeledData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Few-shot accuracy of prototypes on raw features and on BPA features, over the same random episodes. */
@Command(name = "fewshot", mixinStandardHelpOptions = true,
        description = {"Few-shot classification: nearest class mean (Prototypical Networks) on the raw features",
            "('raw') and on the rows of BPA of each episode with the support labels ('bpa'), same episodes.",
            "Accuracy in %%, mean over episodes; ci95 = 1.96 std / sqrt(episodes)."})
final class FewShotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FewShotOptions fewShot;

    @Mixin
    BpaBackendOption backend;

    @Override
    public Integer call() throws IOException {
        List<EpisodeShape> shapes = fewShot.shapes();
        int episodes = fewShot.episodes();
        if (episodes < 1 || episodes > EpisodeEvaluation.MAX_EPISODES) {
            throw new InvalidInputException("--episodes must be in 1.." + EpisodeEvaluation.MAX_EPISODES
                    + ", got " + episodes);
        }
        fewShot.checkBatch();
        LabeledData items = fewShot.items(shapes);
        Bpa bpa = Bpa.builder().device(backend.device()).build();
        PrintWriter out = spec.commandLine().getOut();
        out.println(fewShot.header(items, bpa.backend().label()));
        for (EpisodeShape shape : shapes) {
            out.println(fewShot.lines(EpisodeEvaluation.compare(items, shape, episodes, fewShot.seed(), bpa,
                    fewShot.batch())));
        }
        return ErrorReport.OK;
    }
}

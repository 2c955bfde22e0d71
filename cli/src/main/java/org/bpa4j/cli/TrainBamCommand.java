package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bpa4j.BamLoss;
import org.bpa4j.BamRegSchedule;
import org.bpa4j.Device;
import org.bpa4j.InvalidInputException;
import org.bpa4j.fewshot.LabeledData;
import org.bpa4j.train.Mlp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Self-supervised training of a small network on the digits with the BAM loss, judged by 20-NN accuracy. */
@Command(name = "train-bam", mixinStandardHelpOptions = true,
        description = {"Trains an MLP 64->256->64 (ReLU) on 1000 digits without labels: two augmented views per image",
            "(shift of up to 1 pixel, Gaussian noise 0.3, 10% pixel dropout, standardised pixels), batches of 128,",
            "the BAM loss and its gradient from the library, Adam. Prints the loss per epoch, then the 20-NN",
            "accuracy (cosine) of 797 held-out digits against the 1000 training digits for the raw pixels, the",
            "network at initialisation and the trained network."})
final class TrainBamCommand implements Callable<Integer> {
    static final int NEIGHBOURS = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--epochs", defaultValue = "300", description = "Epochs of 8 batches [300].")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Images per batch (two views each) [128].")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Adam learning rate [3e-3].")
    double lr;

    @Option(names = "--temperature", defaultValue = "0.1", description = "Softmax temperature of BAM [0.1].")
    double temperature;

    /** At the loss's default 0.05 this small network collapses towards uniform attention (see the README). */
    @Option(names = "--reg", defaultValue = "0.02",
            description = "Sinkhorn regularisation of BAM's target [0.02; the loss's own default 0.05 collapses here].")
    double reg;

    @Option(names = "--reg-final", description = "ε after the 30-epoch linear schedule [= --reg].")
    Double regFinal;

    @Option(names = "--iterations", defaultValue = "3", description = "Sinkhorn iterations of the target [3].")
    int iterations;

    @Option(names = "--eval-every", defaultValue = "50", paramLabel = "E",
            description = "Also print the held-out 20-NN accuracy every E epochs, 0 = only at the end [50].")
    int evalEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, the network and the views [1].")
    long seed;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|reference|cpu|cuda",
            description = "Backend for the BAM loss [auto].")
    Device backend;

    @Override
    public Integer call() throws IOException {
        if (epochs < 1) {
            throw new InvalidInputException("--epochs must be >= 1, got " + epochs);
        }
        if (batch < 2) {
            throw new InvalidInputException("--batch must be >= 2 (positive masking needs two images), got " + batch);
        }
        if (evalEvery < 0) {
            throw new InvalidInputException("--eval-every must be >= 0, got " + evalEvery);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InvalidInputException("--lr must be a finite number > 0, got " + lr);
        }
        BamLoss loss = BamLoss.builder().largeCrops(2).localCrops(0).temperature(temperature).reg(reg)
                .iterations(iterations).device(backend).build();
        BamRegSchedule schedule = new BamRegSchedule(reg, regFinal == null ? reg : regFinal);
        DigitsSplit split = DigitsSplit.of(seed);
        DigitViews views = DigitViews.fittedTo(split.train());
        Mlp network = new Mlp(views.dim(), 256, 64, new SplittableRandom(seed));

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Self-supervised training on %d digits: MLP %d->256->%d, %d epochs, batches of %d"
                + " (two views each), Adam lr %s; BAM (tau %s, reg %s%s, %d iterations) on the %s backend.%n",
                split.train().size(), views.dim(), network.out(), epochs, batch, Double.toString(lr),
                Double.toString(temperature), Double.toString(reg),
                regFinal == null ? "" : " -> " + regFinal + " over 30 epochs", iterations,
                loss.backend().label());

        double[] trainPixels = views.standardised(split.train());
        double[] heldOutPixels = views.standardised(split.heldOut());
        int[] trainLabels = labels(split.train());
        int[] heldOutLabels = labels(split.heldOut());
        double rawAccuracy = NearestNeighbours.accuracy(trainPixels, trainLabels, heldOutPixels, heldOutLabels,
                views.dim(), NEIGHBOURS);
        double initialAccuracy = knn(network, trainPixels, trainLabels, heldOutPixels, heldOutLabels);
        int targets = 2 * Math.min(batch, split.train().size());
        out.printf(Locale.ROOT, "Before training: 20-NN held-out accuracy %.2f%%. (Uniform attention over the %d"
                + " targets other than the image's own views would give loss log(%d) = %.4f.)%n", 100 * initialAccuracy,
                targets - 2, targets - 2, Math.log(targets - 2));
        out.flush();

        long t0 = System.nanoTime();
        BamTraining.train(network, split.train(), views, loss, schedule, epochs, batch, lr, seed + 1,
                (epoch, meanLoss, epochReg) -> {
                    String knn = evalEvery > 0 && (epoch + 1) % evalEvery == 0 && epoch + 1 < epochs
                            ? String.format(Locale.ROOT, "  20-NN %.2f%%",
                                    100 * knn(network, trainPixels, trainLabels, heldOutPixels, heldOutLabels))
                            : "";
                    out.printf(Locale.ROOT, "epoch %3d  loss %.4f%s%s%n", epoch + 1, meanLoss,
                            regFinal == null ? "" : String.format(Locale.ROOT, "  (reg %.4f)", epochReg), knn);
                    out.flush();
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        double trainedAccuracy = knn(network, trainPixels, trainLabels, heldOutPixels, heldOutLabels);

        out.printf(Locale.ROOT, "Trained in %.1f s.%n%n", seconds);
        out.printf(Locale.ROOT, "20-NN accuracy (cosine) of %d held-out digits against the %d training digits:%n",
                heldOutLabels.length, trainLabels.length);
        out.printf(Locale.ROOT, "  raw pixels (standardised)   %6.2f%%%n", 100 * rawAccuracy);
        out.printf(Locale.ROOT, "  network at initialisation   %6.2f%%%n", 100 * initialAccuracy);
        out.printf(Locale.ROOT, "  network trained with BAM    %6.2f%%%n", 100 * trainedAccuracy);
        return ErrorReport.OK;
    }

    private static double knn(Mlp network, double[] trainPixels, int[] trainLabels, double[] heldOutPixels,
            int[] heldOutLabels) {
        double[] memory = network.forward(trainPixels, trainLabels.length).output();
        double[] queries = network.forward(heldOutPixels, heldOutLabels.length).output();
        return NearestNeighbours.accuracy(memory, trainLabels, queries, heldOutLabels, network.out(), NEIGHBOURS);
    }

    private static int[] labels(LabeledData data) {
        int[] y = new int[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = data.label(i);
        }
        return y;
    }
}

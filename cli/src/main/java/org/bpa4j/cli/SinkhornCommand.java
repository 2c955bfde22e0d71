package org.bpa4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.cli.options.BackendOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Log-domain Sinkhorn of a cost matrix (docs/MATH.md §1), and optionally the gradient with respect to the cost. */
@Command(name = "sinkhorn", mixinStandardHelpOptions = true,
        description = {"The entropic transport plan P of a cost M (n, m) or (B, n, m): rows first, then columns.",
            "Prints the iterations run and the final marginal error |P 1 - a|_1.",
            "With --grad G, also DM = d sum(G * logP) / dM."})
final class SinkhornCommand implements Callable<Integer> {
    /** The cap on iterations when only a tolerance is given. */
    static final int DEFAULT_CAP = 1000;

    @Spec
    CommandSpec spec;

    @Option(names = "--cost", required = true, paramLabel = "M.npy", description = "Cost (n, m) or (B, n, m).")
    Path cost;

    @Option(names = "--a", paramLabel = "a.npy", description = "Row marginal (n) or (B, n) [all ones; needs --b].")
    Path a;

    @Option(names = "--b", paramLabel = "b.npy", description = "Column marginal (m) or (B, m) [all ones; needs --a].")
    Path b;

    @Option(names = "--reg", defaultValue = "0.1", description = "Entropic regularisation [0.1].")
    double reg;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Iterations; with --tolerance the cap [10, or " + DEFAULT_CAP + " with --tolerance].")
    Integer iterations;

    @Option(names = "--tolerance", paramLabel = "T", description = "Stop once |P 1 - a|_1 <= T.")
    Double tolerance;

    @Option(names = "--output", required = true, paramLabel = "P.npy", description = "Where the plan P is written.")
    Path output;

    @Option(names = "--log-output", paramLabel = "LOGP.npy", description = "Where logP is written.")
    Path logOutput;

    @Option(names = "--grad", paramLabel = "G.npy", description = "Gradient of the loss with respect to logP.")
    Path grad;

    @Option(names = "--grad-output", paramLabel = "DM.npy", description = "Where DM is written (needs --grad).")
    Path gradOutput;

    @Mixin
    BackendOption backend;

    @Option(names = "--precision", defaultValue = "float32", paramLabel = "float32|float64",
            description = "Precision of the inputs as computed and of the outputs [float32].")
    DType precision;

    @Override
    public Integer call() throws IOException {
        if ((grad == null) != (gradOutput == null)) {
            throw new InvalidInputException("--grad and --grad-output go together: give both or neither");
        }
        if ((a == null) != (b == null)) {
            throw new InvalidInputException("--a and --b go together: give both marginals or neither");
        }
        OutputFiles outputs = new OutputFiles();
        outputs.declare(output, "--output");
        outputs.declare(logOutput, "--log-output");
        outputs.declare(gradOutput, "--grad-output");
        outputs.input(cost, "--cost");
        outputs.input(a, "--a");
        outputs.input(b, "--b");
        outputs.input(grad, "--grad");

        Sinkhorn.Builder builder = Sinkhorn.builder().reg(reg).device(backend.device()).precision(precision);
        if (tolerance != null) {
            builder.tolerance(tolerance);
        }
        builder.iterations(iterations != null ? iterations : tolerance != null ? DEFAULT_CAP : 10);
        Sinkhorn sinkhorn = builder.build();

        Tensor m = NpyInputs.tensor(cost, "--cost", precision);
        if (m.rank() != 2 && m.rank() != 3) {
            throw new InvalidInputException("--cost " + cost + ": shape " + m.shapeString()
                    + " where (n, m) or (B, n, m) was expected");
        }
        Tensor ta = a == null ? null : NpyInputs.tensor(a, "--a", precision);
        Tensor tb = b == null ? null : NpyInputs.tensor(b, "--b", precision);
        Tensor g = null;
        if (grad != null) {
            g = NpyInputs.tensor(grad, "--grad", precision);
            if (!Arrays.equals(g.shape(), m.shape())) {
                throw new InvalidInputException("--grad " + grad + ": shape " + g.shapeString() + " where "
                        + m.shapeString() + " (the shape of the cost) was expected");
            }
        }

        long t0 = System.nanoTime();
        SinkhornResult result = sinkhorn.solve(m, ta, tb);
        outputs.put(output, result.plan());
        if (logOutput != null) {
            outputs.put(logOutput, result.logPlan());
        }
        if (g != null) {
            outputs.put(gradOutput, result.backward(g));
        }
        long t1 = System.nanoTime();
        outputs.commit();

        PrintWriter out = spec.commandLine().getOut();
        String perSet = m.rank() == 3 ? " (the largest over " + m.dim(0) + " sets)" : "";
        out.println("iterations: " + result.iterations() + perSet);
        out.printf(Locale.ROOT, "marginal error: %.6e%s%n", result.marginalError(), perSet);
        out.printf(Locale.ROOT, "P %s %s -> %s (%s backend, %.1f ms)%n", m.shapeString(), precision.label(), output,
                result.device().label(), (t1 - t0) / 1e6);
        return ErrorReport.OK;
    }
}

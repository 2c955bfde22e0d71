package org.bpa4j.spark.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bpa4j-spark}: the commands of {@code bpa4j} that Spark spreads over executors. Exit codes as
 * {@code bpa4j}'s: 0 success, 2 bad input or usage (one line on stderr), 1 internal error.
 */
@Command(name = "bpa4j-spark", mixinStandardHelpOptions = true,
        description = "bpa4j on Apache Spark: few-shot episodes over partitions, the top-k BPA of one large set.",
        subcommands = {SparkFewShotCommand.class, SparkTransformCommand.class},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 internal error."})
public final class SparkMain implements Runnable {
    @Spec
    CommandSpec spec;

    /** Where Spark runs: given here, else spark-submit's spark.master, else every core of this machine. */
    @Option(names = "--master", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Spark master: local[N], or a cluster's URL [spark-submit's, else local[*]].")
    String master;

    /**
     * The top command, options unset; picocli fills them from a command line. {@link #run(PrintWriter,
     * PrintWriter, String...)} makes one per command line: an instance serves one command line only.
     */
    public SparkMain() {
    }

    /**
     * The {@code bpa4j-spark} launcher's entry point: runs one command line on stdout and stderr (UTF-8), then
     * ends the JVM with its exit code.
     *
     * @param args the command line: a command ({@code fewshot} or {@code transform}) and its options, as
     *        {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /**
     * Runs one command line in this JVM (for tests and embedding: the JVM does not exit). A mistake of the user's (a bad option, {@link org.bpa4j.InvalidInputException} or another
     * {@link IllegalArgumentException}, also as the cause of a failed Spark job, or a missing file) is one line on
     * {@code err} and exit code 2, never an exception; any other failure is one line too ("internal error") and
     * exit code 1, with its stack trace when the environment variable {@code BPA4J_DEBUG} is set.
     *
     * @param out where the command's output and {@code --help} go; flushed before this returns
     * @param err where the one-line error messages go; flushed before this returns
     * @param args the command line, as for {@link #main}
     * @return the exit code: 0 success, 2 bad input or usage, 1 internal error
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new SparkMain());
        cl.registerConverter(Device.class, converter(Device::parse));
        cl.registerConverter(Metric.class, converter(Metric::parse));
        cl.registerConverter(DType.class, converter(DType::parse));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(e.getCommandLine().getCommandSpec().qualifiedName() + ": "
                    + oneLine(e.getMessage()) + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, line, parse) -> {
            String where = line.getCommandSpec().qualifiedName() + ": ";
            Throwable bad = badInput(e);
            if (bad != null) {
                line.getErr().println(where + oneLine(bad instanceof NoSuchFileException f
                        ? f.getFile() + ": no such file or folder" : bad.getMessage()));
                return 2;
            }
            line.getErr().println(where + "internal error: " + oneLine(String.valueOf(e)));
            if (System.getenv("BPA4J_DEBUG") != null) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The user's mistake behind a failure (also inside a failed Spark job), or null. */
    private static Throwable badInput(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException || c instanceof NoSuchFileException) {
                return c;
            }
        }
        return null;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static <T> CommandLine.ITypeConverter<T> converter(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    /** The session a command runs in: UI off, quiet logs; the master as described at {@link #master}. */
    SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().appName("bpa4j-spark").config("spark.ui.enabled", "false");
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        SparkSession session = b.getOrCreate();
        session.sparkContext().setLogLevel("WARN");
        return session;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: fewshot or transform");
    }
}

package org.bpa4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code bpa4j} command line. Exit codes: 0 success, 2 bad input or usage (one line on stderr),
 * 1 internal error.
 */
@Command(name = "bpa4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Self-optimal-transport feature transforms (BPA/SOT), log-domain Sinkhorn and few-shot tools.",
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 internal error."})
public final class Main implements Runnable {
    /** Every subcommand, in the order {@code bpa4j --help} lists them. A new command is one more entry. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            TransformCommand.class,
            SinkhornCommand.class,
            RerankCommand.class,
            RetrievalCommand.class,
            FewShotCommand.class,
            DemoCommand.class,
            BamCommand.class,
            TrainFewShotCommand.class,
            TrainBamCommand.class,
            BenchCommand.class,
            InfoCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log which backend was chosen and why the others were passed over.")
    boolean verbose;

    public static void main(String[] args) {
        // one line per log record, before java.util.logging reads its configuration
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        StandardOutput stdout = StandardOutput.open();
        System.setOut(stdout);
        System.exit(run(stdout, System.err, args));
    }

    /** Runs one command line in-process, writing to the given streams; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            int code = commandLine(outWriter, errWriter, args).execute(args);
            outWriter.flush();
            // the printed results are all some commands give (bam's loss): losing them is not success
            if (outWriter.checkError() || out.checkError()) {
                if (out instanceof StandardOutput s && s.readerWentAway()) {
                    return code;
                }
                errWriter.println("bpa4j: the results could not be written to standard output (a full disk, a "
                        + "closed descriptor); they are lost");
                return code == ErrorReport.OK ? ErrorReport.BAD_INPUT : code;
            }
            return code;
        } catch (Error e) {
            return ErrorReport.fatal(e, errWriter);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, new String[0]);
    }

    /**
     * The command line for these arguments. Where they name a subcommand, only that one is built: picocli
     * reads every option of every command it is given by reflection, a third of a second of a one-shot
     * command's start. Anything else (help, a mistyped command) gets them all, for the listing.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> named = namedSubcommand(args);
        for (Class<?> sub : SUBCOMMANDS) {
            if (named == null || sub == named) {
                cl.addSubcommand(sub);
            }
        }
        OptionConverters.register(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionStrategy(parse -> {
            LogLevels.configure(parse);
            return new CommandLine.RunLast().execute(parse);
        });
        cl.setParameterExceptionHandler(ErrorReport::usageError);
        cl.setExecutionExceptionHandler(ErrorReport::executionError);
        return cl;
    }

    /** The subcommand the first argument that is not an option names, or null. */
    static Class<?> namedSubcommand(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("-")) {
                if (arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V")) {
                    return null;
                }
                continue;
            }
            for (Class<?> sub : SUBCOMMANDS) {
                Command command = sub.getAnnotation(Command.class);
                if (command != null && command.name().equals(arg)) {
                    return sub;
                }
            }
            return null;
        }
        return null;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is needed: " + String.join(", ", spec.subcommands().keySet()));
    }
}

package org.bpa4j.cli;

import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.ParseResult;

/**
 * The library logs its backend choice at INFO; on the command line that is noise on stderr unless
 * {@code --verbose} asks for it. Warnings are always shown.
 */
final class LogLevels {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private static final Logger BPA4J = Logger.getLogger("org.bpa4j");

    private LogLevels() {
    }

    static void configure(ParseResult parse) {
        BPA4J.setLevel(verbose(parse) ? Level.INFO : Level.WARNING);
    }

    private static boolean verbose(ParseResult parse) {
        for (ParseResult p = parse; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}

package org.bpa4j.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import org.bpa4j.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into exit codes: bad input or usage is 2 with one line on stderr; anything else is an
 * internal error, 1, also one line (the stack trace only with BPA4J_DEBUG=1).
 */
final class ErrorReport {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int BAD_INPUT = 2;

    private ErrorReport() {
    }

    static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println(prefix(cl) + oneLine(e.getMessage()) + " (see '" + cl.getCommandSpec().qualifiedName()
                + " --help')");
        return BAD_INPUT;
    }

    static int executionError(Exception e, CommandLine cl, ParseResult parse) {
        ProgressBar.endLine(cl.getErr());
        Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String badInput = badInputMessage(cause);
        if (badInput != null) {
            cl.getErr().println(prefix(cl) + oneLine(badInput));
            return BAD_INPUT;
        }
        cl.getErr().println(prefix(cl) + "internal error: " + oneLine(String.valueOf(cause))
                + (debug() ? "" : " (set BPA4J_DEBUG=1 for the stack trace)"));
        if (debug()) {
            cause.printStackTrace(cl.getErr());
        }
        return INTERNAL;
    }

    /** The message for a failure caused by what the user gave, or null for an internal error. */
    static String badInputMessage(Throwable t) {
        // only what the user gave is bad input: a plain IllegalArgumentException is a bug in a caller
        if (t instanceof ParameterException || t instanceof InvalidInputException) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
        if (t instanceof InvalidPathException p) {
            return "not a valid path: " + p.getMessage();
        }
        if (t instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file or folder";
        }
        if (t instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (t instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return null;
    }

    /** An error (out of memory, a linkage failure) escaped the command: one line, exit code 1. */
    static int fatal(Throwable t, java.io.PrintWriter err) {
        ProgressBar.endLine(err);
        String hint = t instanceof OutOfMemoryError
                ? " (the Java heap is " + Runtime.getRuntime().maxMemory() / (1 << 20)
                        + " MiB; give more with BPA4J_JAVA_OPTS=-Xmx<size>)"
                : debug() ? "" : " (set BPA4J_DEBUG=1 for the stack trace)";
        err.println("bpa4j: internal error: " + oneLine(String.valueOf(t)) + hint);
        if (debug()) {
            t.printStackTrace(err);
        }
        return INTERNAL;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }

    /** Keeps a report to one line, however the message was written. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static boolean debug() {
        String v = System.getenv("BPA4J_DEBUG");
        return v != null && !v.isBlank() && !v.equals("0");
    }
}

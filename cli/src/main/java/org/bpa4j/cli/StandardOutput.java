package org.bpa4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The process's stdout, remembering why a write failed: a PrintStream only says that one did. A full
 * disk loses the results and fails the command; a reader that went away ({@code bpa4j info | head -1})
 * chose to read no more, and is not reported (docs/RELIABILITY.md, "Hostile and careless use").
 */
final class StandardOutput extends PrintStream {
    private final Recorder recorder;

    private StandardOutput(Recorder recorder) {
        super(recorder, true, StandardCharsets.UTF_8);
        this.recorder = recorder;
    }

    static StandardOutput open() {
        return new StandardOutput(new Recorder(new FileOutputStream(FileDescriptor.out)));
    }

    /** Whether the failure, if any, was a reader that closed the pipe. */
    boolean readerWentAway() {
        IOException e = recorder.failure;
        return e != null && e.getMessage() != null && e.getMessage().contains("Broken pipe");
    }

    private static final class Recorder extends FilterOutputStream {
        volatile IOException failure;

        Recorder(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }
    }
}

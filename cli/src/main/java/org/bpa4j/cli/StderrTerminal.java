package org.bpa4j.cli;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether stderr is a terminal, so that a progress bar drawn with '\r' is seen rather than logged. */
final class StderrTerminal {
    private StderrTerminal() {
    }

    static boolean detected() {
        // Linux: file descriptor 2 links to a tty or a pseudo-terminal
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(fd2)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}

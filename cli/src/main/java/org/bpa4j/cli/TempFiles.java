package org.bpa4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files outputs are written to before they are renamed into place (docs/RELIABILITY.md,
 * "Outputs"). Each is named {@code .<output name>.bpa4j-<pid>-<k>.tmp} beside its target (the name
 * shortened so the whole fits the 255 bytes a file name may have), so that a later run recognises the
 * leftovers of a process that is gone (killed with SIGKILL, a power cut) and removes them; a SIGINT or
 * SIGTERM runs the shutdown hook, which deletes the pending ones and rolls back a half-done commit.
 */
final class TempFiles {
    /** The longest file name, in bytes, of the usual file systems (ext4, xfs, btrfs, tmpfs). */
    static final int NAME_MAX = 255;
    private static final long PID = ProcessHandle.current().pid();
    private static final Pattern OURS = Pattern.compile("^\\..*\\.bpa4j-(\\d+)-\\d+\\.tmp$");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<OutputFiles> ACTIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (OutputFiles outputs : ACTIVE) {
                outputs.abandon();
            }
        }, "bpa4j-output-cleanup"));
    }

    private TempFiles() {
    }

    /** A new name, not yet created, for a temporary file beside {@code target}. */
    static Path nameBeside(Path target, String suffix) {
        String tail = ".bpa4j-" + PID + "-" + SEQUENCE.incrementAndGet() + suffix;
        String name = target.getFileName().toString();
        int room = NAME_MAX - 1 - tail.getBytes(StandardCharsets.UTF_8).length;
        while (name.getBytes(StandardCharsets.UTF_8).length > room) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        return target.resolveSibling("." + name + tail);
    }

    /** A new temporary file's name. */
    static Path tempBeside(Path target) {
        return nameBeside(target, ".tmp");
    }

    /** Whether a name is a file name's length in bytes that the file system takes. */
    static boolean nameFits(Path file) {
        return file.getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= NAME_MAX;
    }

    /** Removes, in {@code dir}, the temporary files of bpa4j processes that no longer run. */
    static void removeLeftovers(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.bpa4j-*.tmp")) {
            for (Path f : files) {
                Matcher m = OURS.matcher(f.getFileName().toString());
                if (m.matches() && !alive(Long.parseLong(m.group(1))) && Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // only tidying: a folder that cannot be listed is reported when the output is written
        }
    }

    private static boolean alive(long pid) {
        return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static void register(OutputFiles outputs) {
        ACTIVE.add(outputs);
    }

    static void unregister(OutputFiles outputs) {
        ACTIVE.remove(outputs);
    }
}

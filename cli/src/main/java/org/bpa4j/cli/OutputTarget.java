package org.bpa4j.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import org.bpa4j.InvalidInputException;

/**
 * Where an output really goes and whether it can be written there, found before any work
 * (docs/RELIABILITY.md, "Outputs"): so that a computation is never thrown away at the end for a name
 * too long, a read-only folder or a sticky folder's file owned by someone else.
 */
final class OutputTarget {
    /** Links followed before giving up, as the kernel's MAXSYMLINKS. */
    private static final int MAX_LINKS = 40;
    private static final int STICKY = 01000;

    private OutputTarget() {
    }

    /** The file a path names once every symbolic link is followed (the link itself stays as it is). */
    static Path resolve(Path file, String option) {
        if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
            // a device, FIFO or pipe (/dev/stdout is a link to /proc/self/fd/1): written through the name given
            return file.toAbsolutePath();
        }
        Path p = file.toAbsolutePath().normalize();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new InvalidInputException(option + " " + file + ": too many levels of symbolic links");
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p)).toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new InvalidInputException(option + " " + file + ": the symbolic link cannot be read ("
                        + e.getMessage() + ")");
            }
        }
        Path dir = p.getParent();
        if (dir == null) {
            throw new InvalidInputException(option + " " + file + ": is not a file");
        }
        try {
            // a folder reached through a link: compare and write in the real one
            return dir.toRealPath().resolve(p.getFileName());
        } catch (IOException e) {
            throw new InvalidInputException(option + " " + file + ": folder " + dir + " does not exist");
        }
    }

    /** Whether two paths are the same file (hard links and links included), or the same name. */
    static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that {@code target} can be written; returns whether it is a device or FIFO (written
     * directly) rather than a regular file (replaced through a temporary file).
     */
    static boolean check(Path target, Path given, String option) {
        String name = option + " " + given;
        if (Files.isDirectory(target)) {
            throw new InvalidInputException(name + ": is a folder, not a file");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            if (!Files.isWritable(target)) {
                throw new InvalidInputException(name + ": permission denied (not writable)");
            }
            return true;
        }
        Path dir = target.getParent();
        if (!TempFiles.nameFits(target)) {
            throw new InvalidInputException(name + ": the file name has "
                    + target.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + " bytes, more than the " + TempFiles.NAME_MAX + " a file name may have");
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidInputException(name + ": folder " + dir + " is not writable");
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            throw new InvalidInputException(name + ": the file is read-only; it is not replaced");
        }
        TempFiles.removeLeftovers(dir);
        probe(target, name);
        return false;
    }

    /** Creates and deletes the temporary file the output will use: the folder takes it, or the reason. */
    private static void probe(Path target, String name) {
        Path probe = TempFiles.tempBeside(target);
        try {
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            try {
                if (Files.exists(target) && stickyForeign(target, probe)) {
                    throw new InvalidInputException(name + ": folder " + target.getParent() + " is sticky and the "
                            + "file belongs to another user, so it cannot be replaced");
                }
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (FileSystemException e) {
            throw new InvalidInputException(name + ": cannot be written in " + target.getParent() + " ("
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + ")");
        } catch (IOException e) {
            throw new InvalidInputException(name + ": cannot be written in " + target.getParent() + " ("
                    + e.getMessage() + ")");
        }
    }

    /** In a sticky folder only the file's or the folder's owner may replace the file (rename gives EPERM). */
    private static boolean stickyForeign(Path target, Path ours) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(target.getParent(), "unix:mode");
            if ((mode & STICKY) == 0) {
                return false;
            }
            Object me = Files.getAttribute(ours, "unix:uid");
            return !me.equals(Files.getAttribute(target, "unix:uid"))
                    && !me.equals(Files.getAttribute(target.getParent(), "unix:uid"));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A replaced file keeps its mode; a new one has the umask's (the temporary file was created with the
     * default 0666 less the umask).
     */
    static void keepMode(Path target, Path temp) throws IOException {
        if (!Files.isRegularFile(target)) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            Files.setPosixFilePermissions(temp, view.readAttributes().permissions());
        }
    }
}

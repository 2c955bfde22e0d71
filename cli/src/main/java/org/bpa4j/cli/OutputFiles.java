package org.bpa4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;

/**
 * The outputs of one command, written all or nothing (docs/RELIABILITY.md, "Outputs"). Each output is
 * checked when it is declared, before any work: its folder exists and takes a new file of its name, it
 * is not a folder, not an input, not another output. A symbolic link is followed: its target is
 * replaced, the link stays. A regular file is written to a temporary file beside it (the umask's mode
 * for a new file, the old file's mode for an existing one), and only once every output is complete are
 * they renamed into place; should a rename fail, the outputs already replaced get their old content
 * back. A device or a FIFO ({@code /dev/stdout}, a pipe) is written directly, last.
 */
final class OutputFiles {
    /** One declared output: the path given, its option, what it resolves to and whether it is a device. */
    private record Output(Path given, String option, Path target, boolean device) {
        String name() {
            return option + " " + given;
        }
    }

    /** A regular output written and waiting for its rename, and the old file's backup once renamed. */
    private static final class Staged {
        final Output output;
        final Path temp;
        Path backup;
        boolean replaced;

        Staged(Output output, Path temp) {
            this.output = output;
            this.temp = temp;
        }
    }

    private final Map<Path, Output> declared = new LinkedHashMap<>();
    private final Map<Path, String> inputs = new LinkedHashMap<>();
    private final Map<Path, Contents> pending = new LinkedHashMap<>();

    /** What one output holds: writes itself as .npy bytes. */
    private interface Contents {
        void writeTo(OutputStream out) throws IOException;
    }
    private final List<Staged> staged = new ArrayList<>();

    /** Declares an output before any work; returns {@code file}. */
    Path declare(Path file, String option) {
        if (file == null) {
            return null;
        }
        Path target = OutputTarget.resolve(file, option);
        for (Output o : declared.values()) {
            if (OutputTarget.same(o.target(), target)) {
                throw new InvalidInputException(option + " and " + o.option() + " name the same file " + file);
            }
        }
        for (Map.Entry<Path, String> in : inputs.entrySet()) {
            if (OutputTarget.same(in.getKey(), target)) {
                throw overwritesInput(option, file, in.getValue(), in.getKey());
            }
        }
        boolean device = OutputTarget.check(target, file, option);
        declared.put(target, new Output(file, option, target, device));
        return file;
    }

    /** Declares an input: no output may be the same file (compared as files, not as names). */
    void input(Path file, String option) {
        if (file == null) {
            return;
        }
        for (Output o : declared.values()) {
            if (OutputTarget.same(file, o.target())) {
                throw overwritesInput(o.option(), o.given(), option, file);
            }
        }
        inputs.put(file, option);
    }

    private static InvalidInputException overwritesInput(String outOption, Path out, String inOption, Path in) {
        return new InvalidInputException(outOption + " " + out + " is the same file as " + inOption + " " + in
                + ": the output would overwrite its input; write it to another file");
    }

    /** Queues a declared output. */
    void put(Path file, Tensor value) {
        queue(file, out -> Npy.write(out, value));
    }

    /** Queues a declared int64 output of the given shape (indices). */
    void put(Path file, long[] values, int... shape) {
        queue(file, out -> Npy.write(out, values, shape));
    }

    private void queue(Path file, Contents contents) {
        Output o = find(file);
        pending.put(o.target(), contents);
    }

    private Output find(Path file) {
        for (Output o : declared.values()) {
            if (o.given() == file || o.given().equals(file)) {
                return o;
            }
        }
        throw new IllegalStateException("output " + file + " was not declared");
    }

    /**
     * Writes every queued output to its temporary file, then renames them all into place and writes the
     * devices; any failure rolls back what was replaced and leaves no temporary file.
     */
    void commit() throws IOException {
        TempFiles.register(this);
        try {
            for (Map.Entry<Path, Contents> e : pending.entrySet()) {
                Output o = declared.get(e.getKey());
                if (!o.device()) {
                    writeTemp(o, e.getValue());
                }
            }
            synchronized (this) {
                for (Staged s : staged) {
                    replace(s);
                }
            }
            for (Map.Entry<Path, Contents> e : pending.entrySet()) {
                Output o = declared.get(e.getKey());
                if (o.device()) {
                    writeDevice(o, e.getValue());
                }
            }
            synchronized (this) {
                for (Staged s : staged) {
                    deleteQuietly(s.backup);
                }
                staged.clear();
            }
        } finally {
            abandon();
            pending.clear();
            TempFiles.unregister(this);
        }
    }

    private void writeTemp(Output o, Contents value) throws IOException {
        Path temp = TempFiles.tempBeside(o.target());
        Staged s = new Staged(o, temp);
        synchronized (this) {
            staged.add(s);
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputTarget.keepMode(o.target(), temp);
            OutputStream out = Channels.newOutputStream(ch);
            value.writeTo(out);
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            throw notWritten(o, e);
        }
    }

    /** Renames the temporary file over the target, keeping a hard link (or a copy) of the old file. */
    private void replace(Staged s) throws IOException {
        Path target = s.output.target();
        try {
            if (Files.isRegularFile(target)) {
                s.backup = TempFiles.nameBeside(target, ".bak");
                try {
                    Files.createLink(s.backup, target);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(target, s.backup, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            move(s.temp, target);
            s.replaced = true;
        } catch (IOException e) {
            throw notWritten(s.output, e);
        }
    }

    private static void writeDevice(Output o, Contents value) throws IOException {
        try (OutputStream out = Files.newOutputStream(o.target(), StandardOpenOption.WRITE)) {
            value.writeTo(out);
        } catch (IOException e) {
            throw notWritten(o, e);
        }
    }

    /**
     * Undoes an unfinished commit: the replaced outputs get their old content back (or disappear where
     * there was none) and every temporary file goes. Also run by the shutdown hook on SIGINT/SIGTERM.
     */
    synchronized void abandon() {
        for (int i = staged.size() - 1; i >= 0; i--) {
            Staged s = staged.get(i);
            try {
                if (s.replaced) {
                    if (s.backup != null) {
                        move(s.backup, s.output.target());
                    } else {
                        Files.deleteIfExists(s.output.target());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the old content stays in the backup file, which is then kept
                continue;
            }
            deleteQuietly(s.backup);
            deleteQuietly(s.temp);
        }
        staged.clear();
    }

    private static FileSystemException notWritten(Output o, IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        FileSystemException out = new FileSystemException(o.name(), null,
                "could not be written (" + reason + "); no output was replaced");
        out.initCause(e);
        return out;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temporary file is removed by a later run (TempFiles.removeLeftovers)
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package org.bpa4j.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;

/**
 * The outputs of one command, written all or nothing: each goes to a temporary file in its target's
 * folder and is renamed over the target only once every output has been written. An existing output
 * is untouched when anything fails first.
 */
final class OutputFiles {
    private final Map<Path, String> declared = new LinkedHashMap<>();
    private final Map<Path, Tensor> pending = new LinkedHashMap<>();
    private final Map<Path, LongArray> pendingLongs = new LinkedHashMap<>();

    /** An int64 array and its shape (e.g. column indices), written as NumPy int64. */
    private record LongArray(long[] values, int[] shape) {
    }

    /**
     * Declares an output before any work: its folder must exist and be writable, it must not be a folder,
     * and two options must not name the same file.
     */
    Path declare(Path file, String option) {
        if (file == null) {
            return null;
        }
        Path abs = file.toAbsolutePath().normalize();
        String other = declared.get(abs);
        if (other != null) {
            throw new IllegalArgumentException(option + " and " + other + " name the same file " + file);
        }
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + file + ": is a folder, not a file");
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + file + ": folder " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException(option + " " + file + ": folder " + dir + " is not writable");
        }
        declared.put(abs, option);
        return file;
    }

    /** Queues a declared output. */
    void put(Path file, Tensor value) {
        Path abs = file.toAbsolutePath().normalize();
        if (!declared.containsKey(abs)) {
            throw new IllegalStateException("output " + file + " was not declared");
        }
        pending.put(abs, value);
    }

    /** Queues a declared int64 output of the given shape. */
    void put(Path file, long[] values, int... shape) {
        Path abs = file.toAbsolutePath().normalize();
        if (!declared.containsKey(abs)) {
            throw new IllegalStateException("output " + file + " was not declared");
        }
        pendingLongs.put(abs, new LongArray(values, shape));
    }

    /** Writes every queued output to a temporary file, then renames them all into place. */
    void commit() throws IOException {
        List<Path[]> written = new ArrayList<>();
        try {
            for (Map.Entry<Path, Tensor> e : pending.entrySet()) {
                Path target = e.getKey();
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
                written.add(new Path[] {tmp, target});
                Npy.write(tmp, e.getValue());
            }
            for (Map.Entry<Path, LongArray> e : pendingLongs.entrySet()) {
                Path target = e.getKey();
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
                written.add(new Path[] {tmp, target});
                Npy.write(tmp, e.getValue().values(), e.getValue().shape());
            }
            for (Path[] pair : written) {
                move(pair[0], pair[1]);
            }
            written.clear();
        } finally {
            for (Path[] pair : written) {
                Files.deleteIfExists(pair[0]);
            }
            pending.clear();
            pendingLongs.clear();
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

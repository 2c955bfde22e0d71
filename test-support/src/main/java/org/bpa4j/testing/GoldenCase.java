package org.bpa4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;

/**
 * One case of the golden data made with the authors' PyTorch code (test resources {@code golden/KIND/CASE}):
 * its options and arrays. Shared with the other backends' tests through bpa4j-test-support.
 */
public record GoldenCase(String kind, String name, Path folder, Properties properties) {

    /** Every case of one kind (bpa, sinkhorn, pot, bam), sorted by name. */
    public static List<GoldenCase> all(String kind) {
        URL root = GoldenCase.class.getResource("/golden/" + kind);
        if (root == null) {
            throw new IllegalStateException("golden/" + kind + " is not on the test class path");
        }
        try (Stream<Path> dirs = Files.list(pathOf(root.toURI()))) {
            return dirs.filter(Files::isDirectory).sorted().map(dir -> load(kind, dir)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A folder on the class path: in a target/ folder, or inside the bpa4j-test-support JAR other modules use. */
    private static synchronized Path pathOf(URI uri) throws IOException {
        if (!"jar".equals(uri.getScheme())) {
            return Path.of(uri);
        }
        FileSystem fs;
        try {
            fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
            fs = FileSystems.newFileSystem(uri, Map.of());
        }
        return fs.provider().getPath(uri);
    }

    private static GoldenCase load(String kind, Path dir) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("case.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GoldenCase(kind, dir.getFileName().toString(), dir, p);
    }

    public boolean has(String array) {
        return Files.exists(folder.resolve(array + ".npy"));
    }

    public NpyArray array(String name) {
        try {
            return Npy.read(folder.resolve(name + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Tensor tensor(String name) {
        return array(name).toTensor();
    }

    public String get(String key) {
        String v = properties.getProperty(key);
        if (v == null) {
            throw new IllegalStateException(kind + "/" + name + ": no property " + key);
        }
        return v;
    }

    public double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /** A BPA built with this bpa case's options. */
    public Bpa bpa(Device device, DType precision) {
        return Bpa.builder()
                .metric(Metric.parse(get("metric")))
                .reg(getDouble("reg"))
                .iterations(getInt("iterations"))
                .sigmoid(getBoolean("sigmoid"))
                .maskDiagonal(getBoolean("maskDiagonal"))
                .maxScale(getBoolean("maxScale"))
                .device(device)
                .precision(precision)
                .build();
    }

    /** The support labels of a bpa case: the first {@code labeled} entries of y, or null. */
    public int[] labels() {
        int labeled = getInt("labeled");
        if (labeled == 0) {
            return null;
        }
        int[] y = array("y").toIntArray();
        return java.util.Arrays.copyOf(y, labeled);
    }

    @Override
    public String toString() {
        return kind + "/" + name;
    }
}

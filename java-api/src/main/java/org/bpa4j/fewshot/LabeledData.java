package org.bpa4j.fewshot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.bpa4j.InvalidInputException;

/**
 * A labelled data set held in memory: {@code size()} items of {@code dim()} float features and an
 * integer class label each. Immutable and thread-safe; every array it returns is a copy.
 */
public final class LabeledData {
    private final float[] features;
    private final int[] labels;
    private final int dim;
    /** Class label → indices of its items, in order. */
    private final TreeMap<Integer, int[]> byClass;

    private LabeledData(float[] features, int[] labels, int dim) {
        this.features = features;
        this.labels = labels;
        this.dim = dim;
        TreeMap<Integer, List<Integer>> lists = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            lists.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        byClass = new TreeMap<>();
        lists.forEach((k, v) -> byClass.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * Items from row-major features ({@code labels.length × dim} values, copied) and their labels.
     * Every feature must be finite.
     *
     * @param features the features, row-major (items, dim): item i's are {@code [i·dim, (i+1)·dim)}; copied
     * @param labels one class label per item, any int; copied
     * @param dim the features per item, ≥ 1
     * @return the data set
     * @throws InvalidInputException when an array is null, dim &lt; 1, the lengths do not fit, or a feature is
     *         NaN or infinite
     */
    public static LabeledData of(float[] features, int[] labels, int dim) {
        if (features == null || labels == null) {
            throw new InvalidInputException("LabeledData.of: features and labels must not be null");
        }
        if (dim < 1) {
            throw new InvalidInputException("LabeledData.of: dim must be >= 1, got " + dim);
        }
        if ((long) labels.length * dim != features.length) {
            throw new InvalidInputException("LabeledData.of: " + features.length + " feature values for "
                    + labels.length + " items of dim " + dim + " (expected " + (long) labels.length * dim + ")");
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                throw new InvalidInputException("LabeledData.of: feature " + i % dim + " of item " + i / dim
                        + " is " + features[i]);
            }
        }
        return new LabeledData(features.clone(), labels.clone(), dim);
    }

    /**
     * Reads a CSV file (UTF-8): one item a line, the integer label first, then the features, separated by
     * commas; blank lines and lines starting with '#' are skipped. Every line has the columns of the first.
     *
     * @param file the CSV file
     * @return the data set, items in line order
     * @throws InvalidInputException when file is null, missing, a folder or not a regular file, not UTF-8 text,
     *         has no data line, fewer than 2 columns, a ragged line, a label that is not an int or a feature
     *         that is not a finite number (the message names the line and column)
     * @throws IOException when reading fails otherwise
     */
    public static LabeledData readCsv(Path file) throws IOException {
        if (file == null) {
            throw new InvalidInputException("LabeledData.readCsv: file is null");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file + ": is a folder, not a CSV file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new InvalidInputException(file + ": is not a regular file (a pipe, a FIFO or a device); "
                    + "save the stream to a file first");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readCsv(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            // a binary file (a .npy given where a CSV is expected) is bad input, not an internal error
            throw new InvalidInputException(file + ": not a text CSV file (it is not valid UTF-8)");
        }
    }

    /**
     * Reads CSV text as {@link #readCsv(Path)} does; {@code source} names it in error messages. Does not close
     * the reader.
     *
     * @param reader the CSV text
     * @param source what the text is, for messages (e.g. a file name)
     * @return the data set, items in line order
     * @throws InvalidInputException when reader is null, or the text is not such a CSV (as
     *         {@link #readCsv(Path)})
     * @throws IOException when reading fails
     */
    public static LabeledData readCsv(Reader reader, String source) throws IOException {
        if (reader == null) {
            throw new InvalidInputException("LabeledData.readCsv: reader is null");
        }
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int columns = -1;
        int lineNumber = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] cells = text.split(",", -1);
            if (columns < 0) {
                columns = cells.length;
                if (columns < 2) {
                    throw new InvalidInputException(source + " line " + lineNumber
                            + ": a label and at least one feature are needed, found " + columns + " column");
                }
            } else if (cells.length != columns) {
                throw new InvalidInputException(source + " line " + lineNumber + ": " + cells.length
                        + " columns where the first data line has " + columns);
            }
            labels.add(parseLabel(cells[0], source, lineNumber));
            float[] row = new float[columns - 1];
            for (int j = 1; j < columns; j++) {
                row[j - 1] = parseFeature(cells[j], source, lineNumber, j);
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException(source + ": no data lines");
        }
        int dim = columns - 1;
        float[] features = new float[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, features, i * dim, dim);
        }
        return new LabeledData(features, labels.stream().mapToInt(Integer::intValue).toArray(), dim);
    }

    private static int parseLabel(String cell, String source, int line) {
        try {
            return Integer.parseInt(cell.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(source + " line " + line + ": label '" + cell.strip()
                    + "' in column 1 is not an integer");
        }
    }

    private static float parseFeature(String cell, String source, int line, int column) {
        float v;
        try {
            v = Float.parseFloat(cell.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(source + " line " + line + ": '" + cell.strip() + "' in column "
                    + (column + 1) + " is not a number");
        }
        if (!Float.isFinite(v)) {
            throw new InvalidInputException(source + " line " + line + ": column " + (column + 1) + " is " + v);
        }
        return v;
    }

    /**
     * The number of items.
     *
     * @return the items, ≥ 0 (≥ 1 when read from CSV)
     */
    public int size() {
        return labels.length;
    }

    /**
     * The features per item, d.
     *
     * @return d, ≥ 1
     */
    public int dim() {
        return dim;
    }

    /**
     * An item's class label.
     *
     * @param item the item's index, 0..size()−1
     * @return its label
     * @throws InvalidInputException when item is out of range
     */
    public int label(int item) {
        return labels[checkItem(item)];
    }

    /**
     * One feature of an item.
     *
     * @param item the item's index, 0..size()−1
     * @param j the feature's index, 0..dim()−1
     * @return the feature, finite
     * @throws InvalidInputException when item or j is out of range
     */
    public float feature(int item, int j) {
        checkItem(item);
        if (j < 0 || j >= dim) {
            throw new InvalidInputException("LabeledData.feature: feature " + j + " out of range [0, " + dim + ")");
        }
        return features[item * dim + j];
    }

    /**
     * Copies item's features into {@code dest} at {@code offset}.
     *
     * @param item the item's index, 0..size()−1
     * @param dest the array to write {@link #dim()} values into
     * @param offset where the first value goes
     * @throws InvalidInputException when item is out of range, or dest is null or has no room for dim() values
     *     from offset
     */
    public void copyFeatures(int item, float[] dest, int offset) {
        if (dest == null || offset < 0 || offset > dest.length - dim) {
            throw new org.bpa4j.InvalidInputException("LabeledData.copyFeatures: dest must hold " + dim
                    + " values from offset " + offset + ", has length " + (dest == null ? "null" : dest.length));
        }
        System.arraycopy(features, checkItem(item) * dim, dest, offset, dim);
    }

    /**
     * The distinct labels.
     *
     * @return a new array of the distinct labels, ascending
     */
    public int[] classes() {
        return byClass.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The items of one class.
     *
     * @param label a class label
     * @return a new array of the indices of its items, in data order (empty when the class does not occur)
     */
    public int[] itemsOf(int label) {
        int[] items = byClass.get(label);
        return items == null ? new int[0] : items.clone();
    }

    /** Shared, not copied: for the sampler in this package. */
    int[] itemsOfShared(int label) {
        return byClass.get(label);
    }

    private int checkItem(int item) {
        if (item < 0 || item >= labels.length) {
            throw new InvalidInputException("LabeledData: item " + item + " out of range [0, " + labels.length + ")");
        }
        return item;
    }

    @Override
    public String toString() {
        return "LabeledData[" + size() + " items, " + dim + " features, classes " + Arrays.toString(classes()) + "]";
    }
}

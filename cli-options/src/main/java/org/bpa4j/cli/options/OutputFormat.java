package org.bpa4j.cli.options;

/** How a command prints its results: aligned text for people, or tab-separated values with a header. */
public enum OutputFormat {
    /** Aligned text, with a header that says what was run. */
    text,
    /** Tab-separated values: a header line, then one row per result. */
    tsv
}

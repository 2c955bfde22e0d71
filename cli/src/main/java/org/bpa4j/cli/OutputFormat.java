package org.bpa4j.cli;

/** How a command prints its results: aligned text for people, or tab-separated values with a header. */
enum OutputFormat {
    text,
    tsv
}

package org.bpa4j.io;

/** A file that is not a .npy array bpa4j can read; the message names what was found and where. */
public final class NpyFormatException extends IllegalArgumentException {
    public NpyFormatException(String message) {
        super(message);
    }
}

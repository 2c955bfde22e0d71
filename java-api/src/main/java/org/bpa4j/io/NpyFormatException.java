package org.bpa4j.io;

import org.bpa4j.InvalidInputException;


/** A file that is not a .npy array bpa4j can read; the message names what was found and where. */
public final class NpyFormatException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * A refused .npy file.
     *
     * @param message what was found and where, e.g. {@code "x.npy: truncated data: ..."}
     */
    public NpyFormatException(String message) {
        super(message);
    }
}

package org.bpa4j.io;

import java.nio.ByteOrder;

/** The element types bpa4j reads from a .npy {@code descr}: floats and integers of the usual sizes. */
record NpyDtype(char kind, int size, ByteOrder order) {

    static NpyDtype parse(String descr, String file) {
        if (descr.length() < 3) {
            // '|O' (object) and the like carry no size: name the kind alone
            String kind = descr.length() == 2 ? kindName(descr.charAt(1)) : null;
            throw new NpyFormatException(file + ": " + (kind == null ? "dtype" : "dtype " + kind) + " ('" + descr
                    + "') is not supported; expected float32, float64 or an integer type");
        }
        char orderChar = descr.charAt(0);
        char kind = descr.charAt(1);
        int size;
        try {
            // digits only, as NumPy: Integer.parseInt alone would take '<f+4' for float32
            if (!descr.substring(2).matches("[0-9]{1,3}")) {
                throw new NumberFormatException(descr);
            }
            size = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            String name = kindName(kind);
            throw new NpyFormatException(file + ": " + (name == null ? "dtype" : "dtype " + name) + " ('" + descr
                    + "') is not supported; expected float32, float64 or an integer type");
        }
        ByteOrder order = switch (orderChar) {
            case '<' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=', '|' -> ByteOrder.nativeOrder();
            default -> throw new NpyFormatException(file + ": unknown byte order '" + orderChar + "' in dtype '"
                    + descr + "'");
        };
        String name = describe(kind, size);
        boolean ok = switch (kind) {
            case 'f' -> size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            default -> false;
        };
        if (!ok) {
            throw new NpyFormatException(file + ": dtype " + name + " ('" + descr
                    + "') is not supported; expected float32, float64 or an integer type");
        }
        return new NpyDtype(kind, size, order);
    }

    private static String describe(char kind, int size) {
        return switch (kind) {
            case 'f' -> "float" + size * 8;
            case 'i' -> "int" + size * 8;
            case 'u' -> "uint" + size * 8;
            case 'c' -> "complex" + size * 8;
            case 'b' -> "bool";
            case 'S', 'a' -> "bytes";
            case 'U' -> "str";
            case 'O' -> "object";
            case 'M' -> "datetime64";
            case 'm' -> "timedelta64";
            case 'V' -> "void/structured";
            default -> "'" + kind + size + "'";
        };
    }

    private static String kindName(char kind) {
        return switch (kind) {
            case 'f' -> "float";
            case 'i' -> "int";
            case 'u' -> "uint";
            case 'c' -> "complex";
            case 'b', '?' -> "bool";
            case 'S', 'a' -> "bytes";
            case 'U' -> "str";
            case 'O' -> "object";
            case 'M' -> "datetime64";
            case 'm' -> "timedelta64";
            case 'V' -> "void/structured";
            default -> null;
        };
    }

    boolean isFloat() {
        return kind == 'f';
    }

    String label() {
        return describe(kind, size);
    }
}

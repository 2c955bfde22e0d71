package org.bpa4j.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The Python dict literal of a .npy header, e.g. {@code {'descr': '<f8', 'fortran_order': False,
 * 'shape': (3, 4), }}. A small strict parser: exactly the three keys NumPy writes.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {

    static NpyHeader parse(String text, String source) {
        Parser p = new Parser(text, source);
        return p.header();
    }

    private static final class Parser {
        private final String s;
        private final String source;
        private int pos;

        Parser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        NpyFormatException error(String what) {
            return new NpyFormatException(source + ": malformed header (" + what + " at character " + pos + "): "
                    + abbreviate(s.strip()));
        }

        private static String abbreviate(String text) {
            return text.length() > 120 ? text.substring(0, 120) + "..." : text;
        }

        NpyHeader header() {
            String descr = null;
            Boolean fortran = null;
            int[] shape = null;
            skip();
            expect('{');
            while (true) {
                skip();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                skip();
                expect(':');
                skip();
                switch (key) {
                    case "descr" -> {
                        if (peek() != '\'' && peek() != '"') {
                            throw new NpyFormatException(source + ": dtype structured (a record type) is not "
                                    + "supported; expected float32, float64 or an integer type");
                        }
                        descr = string();
                    }
                    case "fortran_order" -> fortran = bool();
                    case "shape" -> shape = tuple();
                    default -> throw error("unknown key '" + key + "'");
                }
                skip();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            // NumPy reads the header with ast.literal_eval: after the dict only the padding may follow
            skip();
            if (pos < s.length()) {
                throw error("junk after the header's dict");
            }
            if (descr == null || fortran == null || shape == null) {
                throw error("missing " + (descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'"));
            }
            return new NpyHeader(descr, fortran, shape);
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = s.substring(pos + 1, end);
            pos = end + 1;
            return out;
        }

        private boolean bool() {
            if (s.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error("expected True or False");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            boolean comma = false;
            while (true) {
                skip();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (start == pos) {
                    throw error("expected a dimension");
                }
                // NumPy may write 3L on old Python 2 files
                if (pos < s.length() && s.charAt(pos) == 'L') {
                    pos++;
                }
                try {
                    dims.add(Integer.parseInt(s.substring(start, pos).replace("L", "")));
                } catch (NumberFormatException e) {
                    throw error("dimension too large");
                }
                skip();
                comma = peek() == ',';
                if (comma) {
                    pos++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')'");
                }
            }
            // (3) is the number 3 in Python, not a tuple: NumPy refuses it as a shape
            if (dims.size() == 1 && !comma) {
                throw error("a shape of one dimension needs its comma, (n,)");
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}

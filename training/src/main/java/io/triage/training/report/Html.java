package io.triage.training.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Escaping and number formatting for the report's HTML and SVG; every dataset string passes through here. */
final class Html {
    private Html() {
    }

    /**
     * Escapes text for element content and quoted attribute values alike. Characters XML forbids (control
     * characters, lone surrogates) become U+FFFD so the page stays well-formed whatever the dataset holds.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@code value} with {@code decimals} decimals, independent of the JVM's locale. */
    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A metric such as accuracy or F1. */
    static String metric(double value) {
        return fixed(value, 3);
    }

    /** A loss: small per-example losses keep two significant digits instead of rounding to 0.000. */
    static String loss(double value) {
        if (value != 0 && Math.abs(value) < 0.01) {
            return new BigDecimal(value).round(new MathContext(2)).stripTrailingZeros().toPlainString();
        }
        return fixed(value, 3);
    }

    /** A count with thousands separators. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A setting as people write it: 42, 0.01, 812.3, 2e-05. */
    static String plain(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        if (Math.abs(value) < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", value).replaceAll("\\.?0+e", "e");
        }
        return String.format(Locale.ROOT, "%.6f", value).replaceAll("\\.?0+$", "");
    }

    /** An SVG coordinate: two decimals at most keep the file small. */
    static String coord(double value) {
        String s = fixed(value, 2);
        if (s.contains(".")) {
            s = s.replaceAll("\\.?0+$", "");
        }
        return "-0".equals(s) ? "0" : s;
    }
}

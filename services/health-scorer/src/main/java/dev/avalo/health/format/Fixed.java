package dev.avalo.health.format;

import java.util.Locale;

/**
 * {@code String.format(Locale.US, "%.Nf", v)} without {@link java.util.Formatter}: the same text, a few times cheaper. Reports
 * carry some twenty sentences each, and their formatting (a pattern parse per call, then the digits) took a sixth of a health
 * tick at 2,000 canaries (bench/health-scorer, JFR).
 * <p>
 * The value times 10<sup>N</sup> is rounded half-up by magnitude, as Formatter does, whenever its fraction is clearly away from
 * one half (the product's rounding error is far smaller than the margin); at or near one half, and for values too large for a
 * fast path, it leaves the text to Formatter, which rounds the decimal digits of the value itself.
 */
public final class Fixed {

    private static final long[] POWERS = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L};
    /**
     * Up to this the scaled value keeps its fraction to about 1e-7, well inside the margin around one half: the shortest
     * decimal digits of the value, which Formatter rounds, differ from its binary value by less than half an ulp.
     */
    private static final double LIMIT = 1e9;

    private Fixed() {
    }

    /**
     * {@code v} with {@code decimals} (0–6) digits after the point, as {@code String.format(Locale.US, "%.<decimals>f", v)}.
     */
    public static String of(double v, int decimals) {
        return append(new StringBuilder(24), v, decimals).toString();
    }

    /** Appends {@link #of}{@code (v, decimals)} to {@code out}; returns {@code out}. */
    public static StringBuilder append(StringBuilder out, double v, int decimals) {
        if (decimals < 0 || decimals >= POWERS.length) {
            throw new IllegalArgumentException("decimals must be 0–" + (POWERS.length - 1) + ", got " + decimals);
        }
        long power = POWERS[decimals];
        double scaled = Math.abs(v) * power;
        if (!(scaled < LIMIT)) {
            return out.append(slow(v, decimals)); // NaN, infinities, large values
        }
        double floor = Math.floor(scaled);
        double fraction = scaled - floor;
        if (Math.abs(fraction - 0.5) <= 1e-6) {
            return out.append(slow(v, decimals)); // a tie or nearly one: Formatter rounds the decimal digits exactly
        }
        long units = (long) floor + (fraction > 0.5 ? 1 : 0);
        if (Double.doubleToRawLongBits(v) < 0) {
            out.append('-'); // Formatter keeps the sign of a negative value that rounds to zero, and of -0.0
        }
        long whole = units / power;
        out.append(whole);
        if (decimals > 0) {
            out.append('.');
            long rest = units - whole * power;
            for (long p = power / 10; p > 0; p /= 10) {
                out.append((char) ('0' + rest / p % 10));
            }
        }
        return out;
    }

    /**
     * {@code String.format(Locale.US, pattern, args)} for the specifiers report sentences use: {@code %s}, {@code %d},
     * {@code %.Nf}, {@code %+.Nf} and {@code %%}; the same text, without Formatter's pattern parse by regular expression.
     *
     * @throws IllegalArgumentException
     *             for any other specifier, a {@code %d} or {@code %f} of the wrong type, or too few arguments
     */
    public static String format(String pattern, Object... args) {
        StringBuilder out = new StringBuilder(pattern.length() + 16 * args.length);
        int next = 0;
        int length = pattern.length();
        for (int i = 0; i < length; i++) {
            char ch = pattern.charAt(i);
            if (ch != '%') {
                out.append(ch);
                continue;
            }
            if (i + 1 >= length) {
                throw new IllegalArgumentException("pattern ends with '%': " + pattern);
            }
            char c = pattern.charAt(++i);
            if (c == '%') {
                out.append('%');
                continue;
            }
            boolean plus = c == '+';
            if (plus) {
                c = i + 1 < length ? pattern.charAt(++i) : ' ';
            }
            int decimals = -1;
            if (c == '.' && i + 2 < length && pattern.charAt(i + 1) >= '0' && pattern.charAt(i + 1) <= '6'
                    && pattern.charAt(i + 2) == 'f') {
                decimals = pattern.charAt(i + 1) - '0';
                i += 2;
                c = 'f';
            }
            if (next >= args.length) {
                throw new IllegalArgumentException("too few arguments for " + pattern);
            }
            Object arg = args[next++];
            if (c == 'f' && decimals >= 0 && arg instanceof Double d) {
                double v = d;
                if (plus && !(Double.doubleToRawLongBits(v) < 0) && !Double.isNaN(v)) {
                    out.append('+');
                }
                append(out, v, decimals);
            } else if (c == 's' && !plus) {
                out.append(arg);
            } else if (c == 'd' && !plus && (arg instanceof Long || arg instanceof Integer)) {
                out.append(((Number) arg).longValue());
            } else {
                throw new IllegalArgumentException("unsupported specifier or argument at " + i + " of '" + pattern + "': "
                        + (arg == null ? "null" : arg.getClass().getSimpleName()));
            }
        }
        return out.toString();
    }

    private static String slow(double v, int decimals) {
        return String.format(Locale.US, "%." + decimals + "f", v);
    }
}

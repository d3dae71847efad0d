package dev.avalo.health.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link Fixed} against {@code String.format(Locale.US, "%.Nf", v)}, the text it replaces in report sentences. */
class FixedTest {

    @Test
    void givesFormattersTextForRandomAndAwkwardValues() {
        Random random = new Random(20261129);
        double[] awkward = {0.0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.005, 1.005, 2.675, 0.045, 99.995, 49.99999999, 50.000001,
                -0.001, -0.004, 1e-9, 0.9999999, 123456789.0449, 999999999999.99, 1e12, 1e15, -1e13, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 4.35, 0.1 + 0.2, 100.0 / 3};
        for (int decimals = 0; decimals <= 6; decimals++) {
            for (double v : awkward) {
                check(v, decimals);
            }
            for (int i = 0; i < 20_000; i++) {
                double v = switch (i % 5) {
                    case 0 -> random.nextDouble() * 100;
                    case 1 -> (random.nextInt(2_000_000) - 1_000_000) / Math.pow(10, random.nextInt(8));
                    case 2 -> random.nextGaussian() * Math.pow(10, random.nextInt(14) - 4);
                    case 3 -> (random.nextInt(20_000) + 0.5) / Math.pow(10, decimals); // ties at this precision
                    default -> Double.longBitsToDouble(random.nextLong());
                };
                check(v, decimals);
            }
        }
    }

    @Test
    void appendsAndRefusesAnUnsupportedPrecision() {
        assertThat(Fixed.append(new StringBuilder("p="), 12.345, 1).append('%').toString()).isEqualTo("p=12.3%");
        assertThatThrownBy(() -> Fixed.of(1.0, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.of(1.0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsSentencesAsFormatterDoes() {
        Random random = new Random(7);
        String[] patterns = {"%s %.2f%% of %d (%s %.2f–%.2f%%) vs < %s%%",
                "p%d: %.1f%% of canary requests above stable×%.2f = %s ms (%s %.1f–%.1f%%, limit %.0f%%) %s; ",
                "difference %+.2f pp (%.2f–%.2f), z=%.2f, p=%.4f, Cohen's h %.3f, margin %s pp → %s", "%d of %d, %.6f%.0f"};
        for (int round = 0; round < 5_000; round++) {
            for (String pattern : patterns) {
                Object[] args = new Object[16];
                int n = 0;
                for (int i = 0; i < pattern.length(); i++) {
                    if (pattern.charAt(i) != '%') {
                        continue;
                    }
                    char c = pattern.charAt(i + 1);
                    if (c == '%') {
                        i++;
                        continue;
                    }
                    String rest = pattern.substring(i + 1);
                    args[n++] = rest.startsWith("s")
                            ? (random.nextBoolean() ? "rate" : GateLike.PASS)
                            : rest.startsWith("d")
                                    ? (random.nextBoolean() ? (Object) random.nextLong() : random.nextInt())
                                    : round % 7 == 0
                                            ? (random.nextBoolean() ? -0.0 : Double.NaN)
                                            : (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(8) - 3);
                }
                Object[] used = java.util.Arrays.copyOf(args, n);
                assertThat(Fixed.format(pattern, used)).isEqualTo(String.format(Locale.US, pattern, used));
            }
        }
        assertThat(Fixed.format("100%% %s", (Object) null)).isEqualTo("100% null");
        assertThatThrownBy(() -> Fixed.format("%x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.format("%d", 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.format("%.2f", 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.format("%s %s", "one")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixed.format("50%")).isInstanceOf(IllegalArgumentException.class);
    }

    private enum GateLike {
        PASS
    }

    private static void check(double v, int decimals) {
        assertThat(Fixed.of(v, decimals)).as("%s with %d decimals", v, decimals)
                .isEqualTo(String.format(Locale.US, "%." + decimals + "f", v));
    }
}

package dev.avalo.notifier.notification;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting shared by every rendering: no trailing zeros, at most two decimals. */
public final class Numbers {

    private Numbers() {
    }

    public static String format(Double value) {
        if (value == null || value.isNaN()) {
            return "n/a";
        }
        if (value.isInfinite()) {
            return value > 0 ? "∞" : "-∞";
        }
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** Basis points as a percentage: 100 → "1 %", 50 → "0.5 %". */
    public static String percent(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + " %";
    }
}

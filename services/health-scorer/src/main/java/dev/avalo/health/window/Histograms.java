package dev.avalo.health.window;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/** Latency histograms as the router encodes them: microseconds, compressed HdrHistogram V2, base64. */
public final class Histograms {

    /**
     * Significant digits of every histogram the scorer creates (1 % resolution is plenty for health decisions and keeps a dense
     * histogram at some 14 KB instead of 90 KB); auto-resizing, so no highest value to guess.
     */
    public static final int SIGNIFICANT_DIGITS = 2;

    private Histograms() {
    }

    /** An empty auto-resizing histogram. */
    public static Histogram create() {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        h.setAutoResize(true);
        return h;
    }

    /**
     * Decodes the {@code latency} field of a router sample; null or blank gives null.
     *
     * @throws IllegalArgumentException
     *             when it is not base64 of a compressed histogram
     */
    public static Histogram decode(String base64) {
        if (base64 == null || base64.isBlank()) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (IllegalArgumentException | DataFormatException | IndexOutOfBoundsException
                | java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("latency is not a base64 compressed HdrHistogram: " + e.getMessage(), e);
        }
    }

    /** Encodes like the router does (for tests and tools). */
    public static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * How many recorded values may be at or above {@code value}: every value in {@code value}'s bucket counts, so the count is
     * never less than the true one (the generous reading where {@link #countAbove} is the strict one).
     */
    public static long countAtOrAbove(Histogram h, long value) {
        if (h == null || h.getTotalCount() == 0) {
            return 0;
        }
        long bottom = h.lowestEquivalentValue(value);
        if (bottom > h.getMaxValue()) {
            return 0;
        }
        return h.getCountBetweenValues(bottom, h.getMaxValue());
    }

    /** How many recorded values are strictly above {@code value}: a value in {@code value}'s own bucket does not count. */
    public static long countAbove(Histogram h, long value) {
        if (h == null || h.getTotalCount() == 0) {
            return 0;
        }
        if (value >= h.getMaxValue()) {
            return 0;
        }
        // the buckets above value's, read from the top: fewer than those from zero up for a threshold past the median (the
        // counts add up to the total count, so this is the total less the count at or below value)
        return h.getCountBetweenValues(h.nextNonEquivalentValue(value), h.getMaxValue());
    }
}

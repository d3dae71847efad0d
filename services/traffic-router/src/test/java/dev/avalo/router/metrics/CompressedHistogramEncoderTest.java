package dev.avalo.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.DataFormatException;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;
import org.junit.jupiter.api.Test;

/** The encoder writes HdrHistogram's own compressed V2 bytes, whatever it encoded before. */
class CompressedHistogramEncoderTest {

    /** Histograms of every kind the sampler can meet, and a few it cannot. */
    static Map<String, AbstractHistogram> cases() {
        Map<String, AbstractHistogram> cases = new LinkedHashMap<>();
        cases.put("empty", new Histogram(3));
        Histogram grownThenEmpty = new Histogram(3);
        grownThenEmpty.recordValue(30_000_000);
        grownThenEmpty.reset();
        cases.put("empty after growing to 30 s", grownThenEmpty);
        Histogram one = new Histogram(3);
        one.recordValue(1);
        cases.put("one value: 1", one);
        Histogram oneMs = new Histogram(3);
        oneMs.recordValue(1_234);
        cases.put("one value: 1234", oneMs);
        Random random = new Random(11);
        for (int seed = 0; seed < 3; seed++) {
            Histogram many = new Histogram(3);
            Random r = new Random(seed);
            for (int i = 0; i < 5_000 + 20_000 * seed; i++) {
                // log-normal around 0.8 ms, 1 % of them 5–100 ms
                many.recordValue(r.nextInt(100) == 0
                        ? 5_000 + r.nextInt(95_000)
                        : Math.round(Math.exp(Math.log(800) + 0.5 * r.nextGaussian())));
            }
            cases.put("many latencies, seed " + seed, many);
        }
        Histogram uniform = new Histogram(3);
        for (int i = 0; i < 100_000; i++) {
            uniform.recordValue(random.nextInt(1_000_000));
        }
        cases.put("100k uniform below 1 s", uniform);
        Histogram large = new Histogram(3);
        large.recordValue(30_000_000);
        large.recordValue(3_600_000_000L);
        large.recordValue(1L << 50);
        large.recordValueWithCount(700, 1L << 40);
        for (int i = 0; i < 1_000; i++) {
            large.recordValue(Math.abs(random.nextLong()) >>> random.nextInt(40) >>> 14);
        }
        cases.put("large values and counts", large);
        Histogram ranged = new Histogram(1, 3_600_000_000L, 3);
        for (int i = 0; i < 2_000; i++) {
            ranged.recordValue(random.nextInt(60_000_000));
        }
        cases.put("fixed range, 3 digits", ranged);
        Histogram fiveDigits = new Histogram(5);
        for (int i = 0; i < 2_000; i++) {
            fiveDigits.recordValue(random.nextInt(10_000_000));
        }
        cases.put("5 digits", fiveDigits);
        IntCountsHistogram ints = new IntCountsHistogram(2);
        for (int i = 0; i < 2_000; i++) {
            ints.recordValue(random.nextInt(100_000));
        }
        cases.put("int counts, 2 digits", ints);
        return cases;
    }

    static byte[] hdrHistogramEncoding(AbstractHistogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        return Arrays.copyOf(buffer.array(), n);
    }

    static AbstractHistogram decode(AbstractHistogram like, byte[] bytes) throws DataFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return like instanceof IntCountsHistogram
                ? IntCountsHistogram.decodeFromCompressedByteBuffer(in, 0)
                : Histogram.decodeFromCompressedByteBuffer(in, 0);
    }

    @Test
    void bytesAreHdrHistogramsCompressedEncodingAndDecodeToTheSameHistogram() throws Exception {
        List<Map.Entry<String, AbstractHistogram>> all = new ArrayList<>(cases().entrySet());
        try (CompressedHistogramEncoder encoder = new CompressedHistogramEncoder()) {
            // forwards, backwards and again: a reused deflater and buffers carry nothing from one histogram to the next
            for (int round = 0; round < 3; round++) {
                for (Map.Entry<String, AbstractHistogram> e : all) {
                    AbstractHistogram h = e.getValue();
                    byte[] expected = hdrHistogramEncoding(h);
                    int n = encoder.encode(h);
                    byte[] actual = Arrays.copyOf(encoder.bytes(), n);
                    assertThat(actual).as(e.getKey()).isEqualTo(expected);
                    assertThat(ByteBuffer.wrap(actual).getInt()).isEqualTo(CompressedHistogramEncoder.V2_COMPRESSED_COOKIE);
                    AbstractHistogram decoded = decode(h, actual);
                    assertThat(decoded).as(e.getKey()).isEqualTo(h);
                    assertThat(decoded.getTotalCount()).as(e.getKey()).isEqualTo(h.getTotalCount());
                    assertThat(decoded.getHighestTrackableValue()).as(e.getKey())
                            .isEqualTo(h.getHighestTrackableValue());
                }
                java.util.Collections.reverse(all);
            }
        }
    }

    @Test
    void base64IsThatOfHdrHistogramsEncodingAlsoForKeptEmptyEncodings() throws Exception {
        try (CompressedHistogramEncoder encoder = new CompressedHistogramEncoder()) {
            for (int round = 0; round < 2; round++) {
                for (Map.Entry<String, AbstractHistogram> e : cases().entrySet()) {
                    String expected = Base64.getEncoder().encodeToString(hdrHistogramEncoding(e.getValue()));
                    assertThat(encoder.encodeBase64(e.getValue())).as(e.getKey() + ", round " + round).isEqualTo(expected);
                }
            }
            // an empty histogram's text follows its range: one that grows gets the text of its new header, not the kept one
            Histogram h = new Histogram(3);
            String small = encoder.encodeBase64(h);
            h.recordValue(90_000_000);
            h.reset();
            String grown = encoder.encodeBase64(h);
            assertThat(grown).isNotEqualTo(small)
                    .isEqualTo(Base64.getEncoder().encodeToString(hdrHistogramEncoding(h)));
            assertThat(decode(h, Base64.getDecoder().decode(grown)).getHighestTrackableValue())
                    .isEqualTo(h.getHighestTrackableValue());
        }
    }

    @Test
    void randomHistogramsOfAllSizesEncodeAsHdrHistogramDoes() throws Exception {
        Random random = new Random(5);
        try (CompressedHistogramEncoder encoder = new CompressedHistogramEncoder()) {
            for (int i = 0; i < 300; i++) {
                Histogram h = new Histogram(random.nextInt(4) + 1);
                int values = random.nextInt(4) == 0 ? 0 : 1 << random.nextInt(15);
                int bits = 1 + random.nextInt(40);
                for (int v = 0; v < values; v++) {
                    h.recordValueWithCount(random.nextLong() >>> (64 - bits), 1 + random.nextInt(3));
                }
                byte[] expected = hdrHistogramEncoding(h);
                int n = encoder.encode(h);
                assertThat(Arrays.copyOf(encoder.bytes(), n)).as("histogram %d", i).isEqualTo(expected);
                assertThat(encoder.encodeBase64(h)).isEqualTo(Base64.getEncoder().encodeToString(expected));
                assertThat(decode(h, expected)).isEqualTo(h);
            }
        }
    }
}

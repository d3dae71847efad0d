package dev.avalo.router.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.Deflater;

import org.HdrHistogram.AbstractHistogram;

/**
 * Writes exactly the bytes of HdrHistogram's {@link AbstractHistogram#encodeIntoCompressedByteBuffer(ByteBuffer)} (the
 * compressed V2 encoding: the compressed-encoding cookie, the length of what follows, then the V2 uncompressed encoding
 * deflated at zlib's default level), without its per-call costs: HdrHistogram 2.2.2 builds and ends a new {@link Deflater} per
 * call (zlib's whole deflate state, about 256 KB of native memory, initialised each time) and keeps a full-size intermediate
 * buffer in every histogram it encodes. Here one {@link Deflater} is {@link Deflater#reset() reset} between uses (zlib's
 * {@code deflateReset} leaves it as a fresh one: same level, same strategy) and the buffers are the encoder's, reused. That
 * saves little on a busy histogram (measured by {@code MetricsSamplerCost}: 3–5 µs of ~40, the rest is the level-6 deflate
 * itself, which the same bytes require) and a third of an empty one's.
 * <p>
 * The base64 text of an empty histogram, which depends only on its header, is kept (keyed by its uncompressed bytes, so the
 * same text as encoding it again), so an idle revision costs no deflate.
 * <p>
 * Not thread-safe: one encoder per sampling thread. {@link #close()} frees the native zlib state (a cleaner does it too).
 */
final class CompressedHistogramEncoder implements AutoCloseable {

    /** HdrHistogram's cookie of a compressed V2 encoding ({@code V2CompressedEncodingCookieBase | 0x10}). */
    static final int V2_COMPRESSED_COOKIE = 0x1c849314;
    /** Cookie and compressed length, each a big-endian int, before the deflated bytes. */
    private static final int PREFIX = 8;
    /** Distinct empty-histogram encodings kept (one per histogram range in use); the lot is dropped when full. */
    private static final int MAX_KEPT = 64;

    /** The level HdrHistogram passes to {@code new Deflater(level)}: -1, zlib's default (6). */
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    private final Map<ByteBuffer, String> emptyEncodings = new HashMap<>();
    private ByteBuffer uncompressed = ByteBuffer.allocate(1024);
    private byte[] compressed = new byte[1024];

    /**
     * Encodes {@code h} as {@code encodeIntoCompressedByteBuffer} would; the result is the first {@code n} bytes of
     * {@link #bytes()}, valid until the next call.
     *
     * @return n, the encoding's length
     */
    int encode(AbstractHistogram h) {
        return deflate(encodeUncompressed(h));
    }

    /** The buffer {@link #encode} wrote into (longer than the encoding). */
    byte[] bytes() {
        return compressed;
    }

    /** {@code h}'s compressed V2 encoding in base64, the same text as base64 of {@code encodeIntoCompressedByteBuffer}. */
    String encodeBase64(AbstractHistogram h) {
        int length = encodeUncompressed(h);
        if (h.getTotalCount() != 0) {
            return base64(deflate(length));
        }
        String kept = emptyEncodings.get(ByteBuffer.wrap(uncompressed.array(), 0, length));
        if (kept != null) {
            return kept;
        }
        String text = base64(deflate(length));
        if (emptyEncodings.size() >= MAX_KEPT) {
            emptyEncodings.clear();
        }
        emptyEncodings.put(ByteBuffer.wrap(Arrays.copyOf(uncompressed.array(), length)), text);
        return text;
    }

    private String base64(int length) {
        return Base64.getEncoder().encodeToString(Arrays.copyOf(compressed, length));
    }

    /** Writes {@code h}'s V2 uncompressed encoding into {@link #uncompressed} from 0; returns its length. */
    private int encodeUncompressed(AbstractHistogram h) {
        int needed = h.getNeededByteBufferCapacity();
        if (uncompressed.capacity() < needed) {
            uncompressed = ByteBuffer.allocate(needed);
        }
        uncompressed.clear();
        return h.encodeIntoByteBuffer(uncompressed);
    }

    /** Writes cookie, length and the deflated first {@code length} bytes of {@link #uncompressed} into {@link #compressed}. */
    private int deflate(int length) {
        // zlib's deflateBound for these settings is length + length/4096 + length/16384 + 13: one call always finishes
        int bound = PREFIX + length + (length >> 3) + 64;
        if (compressed.length < bound) {
            compressed = new byte[bound];
        }
        deflater.reset();
        deflater.setInput(uncompressed.array(), 0, length);
        deflater.finish();
        int n = deflater.deflate(compressed, PREFIX, compressed.length - PREFIX);
        if (!deflater.finished()) {
            throw new IllegalStateException("deflate did not finish within its bound (" + length + " bytes in)");
        }
        putInt(compressed, 0, V2_COMPRESSED_COOKIE);
        putInt(compressed, 4, n);
        return PREFIX + n;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    @Override
    public void close() {
        deflater.end();
    }
}

package dev.avalo.router.route;

import java.nio.charset.StandardCharsets;

import org.apache.datasketches.hash.MurmurHash3;

/**
 * Maps a user identity to a bucket 0–9999 with MurmurHash3 (Apache DataSketches). A user is on the canary when their bucket is
 * below the canary weight in basis points, so assignment is monotone: raising the weight only adds users to the canary, and
 * weight 0 moves everyone back at once.
 */
public final class StickyHash {

    private static final long SEED = 0x5eed_a7a1_0L;

    private StickyHash() {
    }

    public static int bucket(String identity) {
        return bucket(hash(identity));
    }

    /** The 64-bit hash of {@code identity} (also what the distinct-user sketches count). */
    public static long hash(String identity) {
        byte[] bytes = identity.getBytes(StandardCharsets.UTF_8);
        return hash(bytes, 0, bytes.length);
    }

    /**
     * The {@link #hash(String)} of the identity whose UTF-8 bytes are {@code bytes[offset, offset+length)}: for callers that
     * have the bytes already (the proxy reads an ASCII header value straight from the request).
     */
    public static long hash(byte[] bytes, int offset, int length) {
        return MurmurHash3.hash(bytes, offset, length, SEED)[0];
    }

    /** The bucket of an identity whose {@link #hash} is {@code hash}. */
    public static int bucket(long hash) {
        return (int) Long.remainderUnsigned(hash, 10_000);
    }
}

package dev.avalo.router.proxy;

import io.netty.buffer.ByteBuf;

/** Byte-level helpers both raw head decoders use: header-name comparison, decimal values, optional whitespace. */
final class HeadBytes {

    private HeadBytes() {
    }

    /** Whether {@code in[at, at+len)}, read as ISO-8859-1, is exactly {@code text} (which may be null). */
    static boolean textIs(ByteBuf in, int at, int len, String text) {
        if (text == null || len != text.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if ((in.getByte(at + k) & 0xff) != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the {@code len} bytes at {@code at} spell {@code name}, ignoring ASCII case on both sides. */
    static boolean nameIs(ByteBuf in, int at, int len, String name) {
        if (len != name.length()) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            int c = in.getByte(at + k);
            int n = name.charAt(k);
            if (c != n) {
                if (c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                if (n >= 'A' && n <= 'Z') {
                    n += 32;
                }
                if (c != n) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A non-negative decimal of at most 18 digits filling {@code [from, to)}; -1 when empty, too long or not digits. */
    static long parseDecimal(ByteBuf in, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Optional whitespace (RFC 9110 OWS): SP or HTAB. */
    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }
}

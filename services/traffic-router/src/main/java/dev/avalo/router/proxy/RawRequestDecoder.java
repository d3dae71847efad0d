package dev.avalo.router.proxy;

import static dev.avalo.router.proxy.HeadBytes.isOws;
import static dev.avalo.router.proxy.HeadBytes.nameIs;
import static dev.avalo.router.proxy.HeadBytes.parseDecimal;
import static dev.avalo.router.proxy.HeadBytes.textIs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;

/**
 * Reads client requests without building header maps, the request-side counterpart of {@link RawResponseDecoder}: each head is
 * scanned once, strictly validated, and what the proxy needs is extracted (version, HEAD or not, Host, Connection keep-alive,
 * body framing, Expect, a prior X-Forwarded-For); the request line (as HTTP/1.1) and every other header line are copied as
 * bytes into {@link Head#lines}, without the hop-by-hop headers, those listed in Connection, Expect and the X-Forwarded-* ones
 * the proxy sets. The body follows as retained slices of the received buffers (chunked bodies de-chunked, trailers dropped),
 * then {@link #END}.
 * <p>
 * A malformed head becomes a {@link Head} with an {@link Head#error} (followed by {@link #END}); a malformed chunked body a
 * {@link Broken}. Either way nothing more is read from the connection. Refused: request lines other than
 * {@code METHOD SP target SP HTTP/1.x}, header names that are not tokens, whitespace before the colon, obsolete line folding,
 * control characters (but HTAB) in values, bare CR, Content-Length together with Transfer-Encoding, differing or invalid
 * Content-Length values, a Transfer-Encoding whose last coding is not chunked, more than one Host, bad chunk sizes, and heads
 * over {@link #MAX_HEAD} bytes.
 */
final class RawRequestDecoder extends ByteToMessageDecoder {

    /** The longest request head accepted. */
    static final int MAX_HEAD = 16 * 1024;
    /** Marks the end of a request (body). */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /** How the body of a request is delimited. */
    enum Framing {
        NONE,
        LENGTH,
        CHUNKED
    }

    /**
     * A parsed request head. {@code lines} holds the request line and the kept header lines, each ending in CRLF (no blank
     * line); null when {@code error} is set.
     */
    record Head(String error, boolean http10, boolean keepAlive, boolean isHead, Framing framing, String host,
            String expect, String forwardedFor, ByteBuf lines) {

        static Head bad(String error) {
            return new Head(error, false, false, false, Framing.NONE, null, null, null, null);
        }

        /** The value of the first kept header {@code name} (any case), without surrounding whitespace, or null. */
        String header(String name) {
            long range = headerRange(name);
            if (range < 0) {
                return null;
            }
            int vs = (int) (range >>> 32);
            return lines.toString(vs, (int) range - vs, StandardCharsets.ISO_8859_1);
        }

        /**
         * Where the value of the first kept header {@code name} (any case) is in {@link #lines}, without surrounding
         * whitespace: its start index in the high 32 bits and its end index in the low ones, or -1 when there is no such
         * header. Lets the request path read a value (the sticky identity) without making a {@code String} of it.
         */
        long headerRange(String name) {
            ByteBuf b = lines;
            if (b == null) {
                return -1;
            }
            int end = b.writerIndex();
            int i = b.indexOf(b.readerIndex(), end, (byte) '\n') + 1;
            int len = name.length();
            while (i > 0 && i < end) {
                int nl = b.indexOf(i, end, (byte) '\n');
                if (nl < 0) {
                    return -1;
                }
                if (nl - i > len && b.getByte(i + len) == ':' && nameIs(b, i, len, name)) {
                    int vs = i + len + 1;
                    int ve = nl - 1; // lines end in CRLF
                    while (vs < ve && isOws(b.getByte(vs))) {
                        vs++;
                    }
                    while (ve > vs && isOws(b.getByte(ve - 1))) {
                        ve--;
                    }
                    return (long) vs << 32 | ve;
                }
                i = nl + 1;
            }
            return -1;
        }

        void release() {
            if (lines != null && lines.refCnt() > 0) {
                lines.release();
            }
        }
    }

    /** The body of the current request is malformed (after its head was accepted). */
    record Broken(String error) {
    }

    private enum State {
        HEAD,
        LENGTH,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_CRLF,
        TRAILERS,
        BAD
    }

    private static final boolean[] TOKEN = new boolean[256];
    private static final byte[] HTTP11 = "HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private State state = State.HEAD;
    private long remaining;
    private int trailerBytes;
    /** Bytes of the pending head (from the reader index) already scanned for its end, so a trickled head is scanned once. */
    private int scanned;
    /** The Host of this connection's last request (the connection's requests nearly always carry the same). */
    private String lastHost;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    // empty lines before a request line are ignored (RFC 9112 §2.2), e.g. a CRLF after a body
                    while (in.isReadable()) {
                        byte b = in.getByte(in.readerIndex());
                        if (b == '\n') {
                            in.skipBytes(1);
                        } else if (b == '\r') {
                            if (in.readableBytes() < 2) {
                                return;
                            }
                            if (in.getByte(in.readerIndex() + 1) != '\n') {
                                bad(in, out, "bare CR");
                                return;
                            }
                            in.skipBytes(2);
                        } else {
                            break;
                        }
                    }
                    if (!in.isReadable()) {
                        return;
                    }
                    int headEnd = findHeadEnd(in);
                    if (headEnd < 0) {
                        scanned = Math.max(0, lastLineStart - in.readerIndex());
                        if (in.readableBytes() >= MAX_HEAD) {
                            bad(in, out, "request head longer than " + MAX_HEAD + " bytes");
                        }
                        return;
                    }
                    scanned = 0;
                    Head head = parseHead(ctx, in, headEnd);
                    if (head.error() != null) {
                        bad(in, out, head.error());
                        return;
                    }
                    out.add(head);
                    switch (head.framing()) {
                        case NONE -> out.add(END);
                        case LENGTH -> state = State.LENGTH;
                        case CHUNKED -> state = State.CHUNK_SIZE;
                    }
                }
                case LENGTH -> {
                    int n = (int) Math.min(in.readableBytes(), remaining);
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        out.add(END);
                        state = State.HEAD;
                    }
                }
                case CHUNK_SIZE -> {
                    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (eol < 0) {
                        if (in.readableBytes() > 1024) {
                            broken(in, out, "chunk size line too long");
                        }
                        return;
                    }
                    long size = parseChunkSize(in, in.readerIndex(), eol);
                    if (size < 0) {
                        broken(in, out, "malformed chunk size");
                        return;
                    }
                    in.readerIndex(eol + 1);
                    if (size == 0) {
                        trailerBytes = 0;
                        state = State.TRAILERS;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(in.readableBytes(), remaining);
                    out.add(in.readRetainedSlice(n));
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    byte b = in.getByte(in.readerIndex());
                    if (b == '\n') {
                        in.skipBytes(1);
                    } else if (b == '\r') {
                        if (in.readableBytes() < 2) {
                            return;
                        }
                        if (in.getByte(in.readerIndex() + 1) != '\n') {
                            broken(in, out, "no CRLF after chunk data");
                            return;
                        }
                        in.skipBytes(2);
                    } else {
                        broken(in, out, "no CRLF after chunk data");
                        return;
                    }
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (eol < 0) {
                        if (trailerBytes + in.readableBytes() > MAX_HEAD) {
                            broken(in, out, "trailers too long");
                        }
                        return;
                    }
                    int from = in.readerIndex();
                    int le = eol > from && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
                    if (le > from && !validTrailer(in, from, le)) {
                        broken(in, out, "malformed trailer");
                        return;
                    }
                    trailerBytes += eol + 1 - from;
                    if (trailerBytes > MAX_HEAD) {
                        broken(in, out, "trailers too long");
                        return;
                    }
                    in.readerIndex(eol + 1);
                    if (le == from) {
                        out.add(END);
                        state = State.HEAD;
                    }
                }
                case BAD -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private void bad(ByteBuf in, List<Object> out, String why) {
        state = State.BAD;
        in.skipBytes(in.readableBytes());
        out.add(Head.bad(why));
        out.add(END);
    }

    private void broken(ByteBuf in, List<Object> out, String why) {
        state = State.BAD;
        in.skipBytes(in.readableBytes());
        out.add(new Broken(why));
    }

    private int lastLineStart;

    /** The index just past the blank line ending the head, or -1 when it has not all arrived (within MAX_HEAD). */
    private int findHeadEnd(ByteBuf in) {
        int from = in.readerIndex();
        int to = Math.min(in.writerIndex(), from + MAX_HEAD);
        int i = from + scanned;
        while (i < to) {
            int nl = in.indexOf(i, to, (byte) '\n');
            if (nl < 0) {
                lastLineStart = i;
                return -1;
            }
            if (nl == i || (nl == i + 1 && in.getByte(i) == '\r')) {
                return nl + 1;
            }
            i = nl + 1;
        }
        lastLineStart = i;
        return -1;
    }

    /** Parses and consumes the head in {@code [readerIndex, end)}. */
    /** Bytes allowed in a header value: visible characters, SP, HTAB and obs-text; no other controls, no DEL. */
    /** Bytes of a token (a header name). */
    private static final ByteProcessor TOKEN_BYTE = b -> b >= 0 && TOKEN[b];

    private static final ByteProcessor VALUE_BYTE = b -> (b >= 0x20 || b < 0 || b == '\t') && b != 0x7f;

    private Head parseHead(ChannelHandlerContext ctx, ByteBuf in, int end) {
        int start = in.readerIndex();
        int lineEnd = in.indexOf(start, end, (byte) '\n');
        int rl = lineEnd > start && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        // request line: METHOD SP request-target SP HTTP/1.x
        int i = start;
        while (i < rl && TOKEN[in.getByte(i) & 0xff]) {
            i++;
        }
        if (i == start || i >= rl || in.getByte(i) != ' ') {
            return Head.bad("bad request line");
        }
        boolean isHead = i - start == 4 && in.getByte(start) == 'H' && in.getByte(start + 1) == 'E'
                && in.getByte(start + 2) == 'A' && in.getByte(start + 3) == 'D';
        int ts = ++i;
        while (i < rl) {
            int c = in.getByte(i) & 0xff;
            if (c <= 0x20 || c == 0x7f) {
                break;
            }
            i++;
        }
        if (i == ts || i >= rl || in.getByte(i) != ' ') {
            return Head.bad("bad request line");
        }
        int vs = i + 1;
        if (rl - vs != 8 || in.getByte(vs) != 'H' || in.getByte(vs + 1) != 'T' || in.getByte(vs + 2) != 'T'
                || in.getByte(vs + 3) != 'P' || in.getByte(vs + 4) != '/' || in.getByte(vs + 5) != '1'
                || in.getByte(vs + 6) != '.' || in.getByte(vs + 7) < '0' || in.getByte(vs + 7) > '9') {
            return Head.bad("bad request line");
        }
        boolean http10 = in.getByte(vs + 7) == '0';

        ByteBuf lines = ctx.alloc().buffer(end - start + 192);
        lines.writeBytes(in, start, vs - start).writeBytes(HTTP11);
        long contentLength = -1;
        boolean te = false;
        boolean chunkedLast = false;
        boolean chunkedSeen = false;
        String host = null;
        String expect = null;
        String forwardedFor = null;
        boolean close = false;
        boolean keepAliveToken = false;
        List<String> listed = null;
        String error = null;
        i = lineEnd + 1;
        while (error == null) {
            int nl = in.indexOf(i, end, (byte) '\n');
            int le = nl > i && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
            if (le == i) {
                break;
            }
            byte first = in.getByte(i);
            if (first == ' ' || first == '\t') {
                error = "obsolete line folding";
                break;
            }
            int colon = in.forEachByte(i, le - i, TOKEN_BYTE);
            if (colon < 0) {
                colon = le;
            }
            if (colon == le || in.getByte(colon) != ':') {
                error = "bad header name";
                break;
            }
            if (colon == i) {
                error = "empty header name";
                break;
            }
            int bad = colon + 1 < le ? in.forEachByte(colon + 1, le - colon - 1, VALUE_BYTE) : -1;
            if (bad >= 0) {
                error = in.getByte(bad) == '\r' ? "bare CR" : "control character in a header value";
                break;
            }
            int nameLen = colon - i;
            int vStart = colon + 1;
            int vEnd = le;
            while (vStart < vEnd && isOws(in.getByte(vStart))) {
                vStart++;
            }
            while (vEnd > vStart && isOws(in.getByte(vEnd - 1))) {
                vEnd--;
            }
            boolean keep = true;
            switch (nameLen) {
                case 2 -> keep = !nameIs(in, i, 2, "te");
                case 4 -> {
                    if (nameIs(in, i, 4, "host")) {
                        if (host != null) {
                            error = "more than one Host";
                        }
                        // the previous request's Host as a String again when the bytes are the same (nearly always on
                        // one connection): no String per request
                        if (!textIs(in, vStart, vEnd - vStart, lastHost)) {
                            lastHost = in.toString(vStart, vEnd - vStart, StandardCharsets.ISO_8859_1);
                        }
                        host = lastHost;
                    }
                }
                case 6 -> {
                    if (nameIs(in, i, 6, "expect")) {
                        expect = in.toString(vStart, vEnd - vStart, StandardCharsets.ISO_8859_1);
                        keep = false;
                    }
                }
                case 7 -> keep = !nameIs(in, i, 7, "upgrade") && !nameIs(in, i, 7, "trailer");
                case 10 -> {
                    if (nameIs(in, i, 10, "connection")) {
                        keep = false;
                        for (String token : in.toString(vStart, vEnd - vStart, StandardCharsets.ISO_8859_1).split(",")) {
                            String t = token.trim();
                            if (t.equalsIgnoreCase("close")) {
                                close = true;
                            } else if (t.equalsIgnoreCase("keep-alive")) {
                                keepAliveToken = true;
                            } else if (!t.isEmpty() && !t.equalsIgnoreCase("transfer-encoding")
                                    && !t.equalsIgnoreCase("content-length") && !t.equalsIgnoreCase("host")) {
                                if (listed == null) {
                                    listed = new ArrayList<>(2);
                                }
                                listed.add(t);
                            }
                        }
                    } else if (nameIs(in, i, 10, "keep-alive")) {
                        keep = false;
                    }
                }
                case 14 -> {
                    if (nameIs(in, i, 14, "content-length")) {
                        long v = parseDecimal(in, vStart, vEnd);
                        if (v < 0) {
                            error = "invalid Content-Length";
                        } else if (contentLength >= 0 && contentLength != v) {
                            error = "differing Content-Length values";
                        }
                        contentLength = v;
                    }
                }
                case 15 -> {
                    if (nameIs(in, i, 15, "x-forwarded-for")) {
                        String v = in.toString(vStart, vEnd - vStart, StandardCharsets.ISO_8859_1);
                        forwardedFor = forwardedFor == null ? v : forwardedFor + ", " + v;
                        keep = false;
                    }
                }
                case 16 -> keep = !nameIs(in, i, 16, "x-forwarded-host");
                case 17 -> {
                    if (nameIs(in, i, 17, "transfer-encoding")) {
                        te = true;
                        for (String token : in.toString(vStart, vEnd - vStart, StandardCharsets.ISO_8859_1).split(",")) {
                            String t = token.trim();
                            int semi = t.indexOf(';');
                            String coding = (semi < 0 ? t : t.substring(0, semi)).trim();
                            if (coding.isEmpty()) {
                                continue;
                            }
                            if (chunkedSeen) {
                                error = "chunked is not the last transfer coding";
                            }
                            chunkedLast = coding.equalsIgnoreCase("chunked");
                            chunkedSeen |= chunkedLast;
                        }
                    } else if (nameIs(in, i, 17, "x-forwarded-proto")) {
                        keep = false;
                    }
                }
                default -> {
                }
            }
            if (keep && nameLen > 6 && nameIs(in, i, 6, "proxy-")) {
                keep = false;
            }
            if (keep) {
                lines.writeBytes(in, i, le - i).writeByte('\r').writeByte('\n');
            }
            i = nl + 1;
        }
        if (error == null && te) {
            if (contentLength >= 0) {
                error = "both Content-Length and Transfer-Encoding";
            } else if (!chunkedLast) {
                error = "the last transfer coding is not chunked";
            }
        }
        if (error != null) {
            lines.release();
            return Head.bad(error);
        }
        in.readerIndex(end);
        if (listed != null) {
            lines = dropListed(ctx, lines, listed);
        }
        Framing framing;
        if (te) {
            framing = Framing.CHUNKED;
        } else if (contentLength > 0) {
            framing = Framing.LENGTH;
            remaining = contentLength;
        } else {
            framing = Framing.NONE;
        }
        // an HTTP/1.0 request with Transfer-Encoding may be framed wrongly by an intermediary: close after it (RFC 9112 §6.1)
        boolean keepAlive = http10 ? keepAliveToken && !close && !te : !close;
        return new Head(null, http10, keepAlive, isHead, framing, host, expect, forwardedFor, lines);
    }

    /** {@code lines} without the header lines whose names Connection listed (rare: one more pass). */
    private static ByteBuf dropListed(ChannelHandlerContext ctx, ByteBuf lines, List<String> listed) {
        ByteBuf kept = ctx.alloc().buffer(lines.capacity());
        int end = lines.writerIndex();
        int nl = lines.indexOf(0, end, (byte) '\n');
        kept.writeBytes(lines, 0, nl + 1);
        int i = nl + 1;
        while (i < end) {
            nl = lines.indexOf(i, end, (byte) '\n');
            int colon = lines.indexOf(i, nl, (byte) ':');
            boolean drop = false;
            for (String name : listed) {
                if (colon - i == name.length() && nameIs(lines, i, name.length(), name)) {
                    drop = true;
                    break;
                }
            }
            if (!drop) {
                kept.writeBytes(lines, i, nl + 1 - i);
            }
            i = nl + 1;
        }
        lines.release();
        return kept;
    }

    private static boolean validTrailer(ByteBuf in, int from, int to) {
        int colon = from;
        while (colon < to && TOKEN[in.getByte(colon) & 0xff]) {
            colon++;
        }
        if (colon == from || colon == to || in.getByte(colon) != ':') {
            return false;
        }
        for (int k = colon + 1; k < to; k++) {
            int c = in.getByte(k) & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** {@code 1*HEXDIG [ BWS ";" chunk-ext ] CRLF}; -1 when malformed. */
    private static long parseChunkSize(ByteBuf in, int from, int eol) {
        int le = eol > from && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        long v = 0;
        int digits = 0;
        int i = from;
        for (; i < le; i++) {
            byte b = in.getByte(i);
            int d;
            if (b >= '0' && b <= '9') {
                d = b - '0';
            } else if (b >= 'a' && b <= 'f') {
                d = b - 'a' + 10;
            } else if (b >= 'A' && b <= 'F') {
                d = b - 'A' + 10;
            } else {
                break;
            }
            if (++digits > 15) {
                return -1;
            }
            v = v * 16 + d;
        }
        if (digits == 0) {
            return -1;
        }
        while (i < le && isOws(in.getByte(i))) {
            i++;
        }
        if (i < le) {
            if (in.getByte(i) != ';') {
                return -1;
            }
            for (int k = i + 1; k < le; k++) {
                int c = in.getByte(k) & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return -1;
                }
            }
        }
        return v;
    }

}

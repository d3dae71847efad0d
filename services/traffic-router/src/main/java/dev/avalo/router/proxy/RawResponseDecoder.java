package dev.avalo.router.proxy;

import static dev.avalo.router.proxy.HeadBytes.isOws;
import static dev.avalo.router.proxy.HeadBytes.nameIs;
import static dev.avalo.router.proxy.HeadBytes.parseDecimal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;

/**
 * Reads upstream responses without building header maps: the head is scanned once for what the proxy needs (status, framing,
 * keep-alive, the hop-by-hop headers to drop) and its other lines are copied as bytes into {@link Head#lines}; the body is
 * emitted as retained slices of the received buffers (chunked bodies de-chunked, trailers dropped), then {@link #END}.
 * Informational responses (1xx but 101) are skipped. One response at a time: the proxy does not pipeline upstream.
 */
final class RawResponseDecoder extends ByteToMessageDecoder {

    /** The longest response head accepted (as Netty's default 8 KB header limit plus the status line, with room). */
    static final int MAX_HEAD = 16 * 1024;
    /** Marks the end of a response body. */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };

    /** How the body of a response is delimited. */
    enum Framing {
        NONE,
        LENGTH,
        CHUNKED,
        CLOSE
    }

    /** A parsed response head: {@code lines} holds the status line and the kept header lines, each ending in CRLF. */
    record Head(int status, boolean keepAlive, Framing framing, long contentLength, ByteBuf lines) {
    }

    private enum State {
        HEAD,
        LENGTH,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_CRLF,
        TRAILERS,
        CLOSE,
        BAD
    }

    private State state = State.HEAD;
    private long remaining;
    private boolean noBody;

    /** The next response answers a HEAD request (no body, whatever its headers say). */
    void expectHeadResponse(boolean head) {
        this.noBody = head;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case HEAD -> {
                    int headEnd = findHeadEnd(in);
                    if (headEnd < 0) {
                        if (in.readableBytes() > MAX_HEAD) {
                            fail(in, "response head longer than " + MAX_HEAD + " bytes");
                        }
                        return;
                    }
                    Head head = parseHead(ctx, in, headEnd);
                    if (head == null) {
                        // informational: skipped, the real response follows
                        continue;
                    }
                    out.add(head);
                    switch (head.framing()) {
                        case NONE -> out.add(END);
                        case LENGTH -> {
                            remaining = head.contentLength();
                            state = State.LENGTH;
                        }
                        case CHUNKED -> state = State.CHUNK_SIZE;
                        case CLOSE -> state = State.CLOSE;
                    }
                    noBody = false;
                }
                case LENGTH -> {
                    if (sliceBody(in, out)) {
                        out.add(END);
                        state = State.HEAD;
                    }
                }
                case CHUNK_SIZE -> {
                    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (eol < 0) {
                        if (in.readableBytes() > 1024) {
                            fail(in, "chunk size line too long");
                        }
                        return;
                    }
                    long size = parseChunkSize(in, in.readerIndex(), eol);
                    in.readerIndex(eol + 1);
                    if (size < 0) {
                        fail(in, "malformed chunk size");
                        return;
                    }
                    if (size == 0) {
                        state = State.TRAILERS;
                    } else {
                        remaining = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    if (sliceBody(in, out)) {
                        state = State.CHUNK_CRLF;
                    }
                }
                case CHUNK_CRLF -> {
                    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (eol < 0) {
                        if (in.readableBytes() > 2) {
                            fail(in, "no CRLF after chunk data");
                        }
                        return;
                    }
                    if (eol - in.readerIndex() > 1) {
                        fail(in, "no CRLF after chunk data");
                        return;
                    }
                    in.readerIndex(eol + 1);
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                    if (eol < 0) {
                        if (in.readableBytes() > MAX_HEAD) {
                            fail(in, "trailers too long");
                        }
                        return;
                    }
                    boolean empty = eol == in.readerIndex() || (eol == in.readerIndex() + 1
                            && in.getByte(in.readerIndex()) == '\r');
                    in.readerIndex(eol + 1);
                    if (empty) {
                        out.add(END);
                        state = State.HEAD;
                    }
                }
                case CLOSE -> out.add(in.readRetainedSlice(in.readableBytes()));
                case BAD -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** Emits up to {@code remaining} body bytes as a retained slice; true once none remain. */
    private boolean sliceBody(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), remaining);
        out.add(in.readRetainedSlice(n));
        remaining -= n;
        return remaining == 0;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (state == State.CLOSE) {
            // the upstream ended the body by closing: that is its end
            out.add(END);
            state = State.HEAD;
        }
    }

    private void fail(ByteBuf in, String why) {
        state = State.BAD;
        in.skipBytes(in.readableBytes());
        throw new DecoderException("malformed upstream response: " + why);
    }

    /** The index just past the blank line ending the head, or -1 when it has not all arrived. */
    private static int findHeadEnd(ByteBuf in) {
        int from = in.readerIndex();
        int to = Math.min(in.writerIndex(), from + MAX_HEAD);
        int i = from;
        while (i < to) {
            int nl = in.indexOf(i, to, (byte) '\n');
            if (nl < 0) {
                return -1;
            }
            // a line that is empty (LF or CRLF) ends the head
            if (nl == i || (nl == i + 1 && in.getByte(i) == '\r')) {
                return nl + 1;
            }
            i = nl + 1;
        }
        return -1;
    }

    /** Parses the head in {@code [readerIndex, end)}; consumes it. Returns null for an informational response. */
    private Head parseHead(ChannelHandlerContext ctx, ByteBuf in, int end) {
        int start = in.readerIndex();
        int lineEnd = in.indexOf(start, end, (byte) '\n');
        // status line: HTTP/1.x SP 3DIGIT ...
        if (lineEnd - start < 12 || in.getByte(start) != 'H' || in.getByte(start + 4) != '/'
                || in.getByte(start + 8) != ' ') {
            fail(in, "bad status line");
        }
        boolean http11 = in.getByte(start + 5) == '1' && in.getByte(start + 7) == '1';
        int status = digit(in, start + 9) * 100 + digit(in, start + 10) * 10 + digit(in, start + 11);
        if (status < 100 || status > 999) {
            fail(in, "bad status code");
        }
        boolean keepAlive = http11;
        boolean chunked = false;
        long contentLength = -1;
        List<String> connectionTokens = null;
        // one pass: framing and keep-alive read, kept lines copied as they go; hop-by-hop lines (Connection,
        // Transfer-Encoding, the standard ones) left out. Only a Connection header naming other headers (rare) needs a
        // second pass, since those may come before it.
        ByteBuf lines = ctx.alloc().buffer(end - start + 96);
        lines.writeBytes(in, start, lineEnd + 1 - start);
        try {
            int i = lineEnd + 1;
            while (i < end) {
                int nl = in.indexOf(i, end, (byte) '\n');
                int le = nl > i && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
                if (le == i) {
                    break;
                }
                int colon = in.indexOf(i, le, (byte) ':');
                if (colon <= i) {
                    fail(in, "bad header line");
                }
                int nameLen = colon - i;
                boolean keep = false;
                switch (nameLen) {
                    case 14 -> {
                        if (nameIs(in, i, nameLen, "content-length")) {
                            int vs = valueStart(in, colon + 1, le);
                            long v = parseDecimal(in, vs, valueEnd(in, vs, le));
                            if (v < 0 || (contentLength >= 0 && contentLength != v)) {
                                fail(in, "bad Content-Length");
                            }
                            contentLength = v;
                            keep = true;
                        } else {
                            keep = !isHopByHop(in, i, nameLen);
                        }
                    }
                    case 17 -> {
                        if (nameIs(in, i, nameLen, "transfer-encoding")) {
                            int vs = valueStart(in, colon + 1, le);
                            String te = in.toString(vs, valueEnd(in, vs, le) - vs, StandardCharsets.US_ASCII);
                            int comma = te.lastIndexOf(',');
                            chunked = (comma < 0 ? te : te.substring(comma + 1)).trim().equalsIgnoreCase("chunked");
                            if (!chunked) {
                                fail(in, "unsupported Transfer-Encoding " + te);
                            }
                        } else {
                            keep = !isHopByHop(in, i, nameLen);
                        }
                    }
                    case 10 -> {
                        if (nameIs(in, i, nameLen, "connection")) {
                            int vs = valueStart(in, colon + 1, le);
                            int ve = valueEnd(in, vs, le);
                            if (nameIs(in, vs, ve - vs, "keep-alive")) {
                                keepAlive = true;
                            } else if (nameIs(in, vs, ve - vs, "close")) {
                                keepAlive = false;
                            } else {
                                for (String token : in.toString(vs, ve - vs, StandardCharsets.US_ASCII).split(",")) {
                                    String t = token.trim();
                                    if (t.equalsIgnoreCase("close")) {
                                        keepAlive = false;
                                    } else if (t.equalsIgnoreCase("keep-alive")) {
                                        keepAlive = true;
                                    } else if (!t.isEmpty()) {
                                        if (connectionTokens == null) {
                                            connectionTokens = new ArrayList<>(2);
                                        }
                                        connectionTokens.add(t.toLowerCase(Locale.ROOT));
                                    }
                                }
                            }
                        } else {
                            keep = !isHopByHop(in, i, nameLen);
                        }
                    }
                    default -> keep = !isHopByHop(in, i, nameLen);
                }
                if (keep) {
                    lines.writeBytes(in, i, le - i);
                    lines.writeByte('\r').writeByte('\n');
                }
                i = nl + 1;
            }
            if (connectionTokens != null) {
                // headers the Connection header names are hop-by-hop too, wherever they stand: copy again without them
                lines.writerIndex(0);
                lines.writeBytes(in, start, lineEnd + 1 - start);
                i = lineEnd + 1;
                while (i < end) {
                    int nl = in.indexOf(i, end, (byte) '\n');
                    int le = nl > i && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
                    if (le == i) {
                        break;
                    }
                    int nameLen = in.indexOf(i, le, (byte) ':') - i;
                    boolean drop = nameIs(in, i, nameLen, "connection") || nameIs(in, i, nameLen, "transfer-encoding")
                            || isHopByHop(in, i, nameLen) || listed(connectionTokens, in, i, nameLen);
                    if (!drop) {
                        lines.writeBytes(in, i, le - i);
                        lines.writeByte('\r').writeByte('\n');
                    }
                    i = nl + 1;
                }
            }
        } catch (RuntimeException e) {
            lines.release();
            throw e;
        }
        in.readerIndex(end);
        if (status >= 100 && status < 200 && status != 101) {
            lines.release();
            return null;
        }
        Framing framing;
        if (noBody || status < 200 || status == 204 || status == 304) {
            framing = Framing.NONE;
        } else if (chunked) {
            framing = Framing.CHUNKED;
        } else if (contentLength >= 0) {
            framing = contentLength == 0 ? Framing.NONE : Framing.LENGTH;
        } else {
            framing = Framing.CLOSE;
            keepAlive = false;
        }
        return new Head(status, keepAlive, framing, contentLength, lines);
    }

    /** The first byte of a header value after optional whitespace. */
    private static int valueStart(ByteBuf in, int from, int lineEnd) {
        int vs = from;
        while (vs < lineEnd && isOws(in.getByte(vs))) {
            vs++;
        }
        return vs;
    }

    /** The end of a header value without trailing whitespace. */
    private static int valueEnd(ByteBuf in, int valueStart, int lineEnd) {
        int ve = lineEnd;
        while (ve > valueStart && isOws(in.getByte(ve - 1))) {
            ve--;
        }
        return ve;
    }

    private static int digit(ByteBuf in, int at) {
        int d = in.getByte(at) - '0';
        return d >= 0 && d <= 9 ? d : -1000;
    }

    private static long parseChunkSize(ByteBuf in, int from, int eol) {
        long v = 0;
        int digits = 0;
        for (int i = from; i < eol; i++) {
            byte b = in.getByte(i);
            int d;
            if (b >= '0' && b <= '9') {
                d = b - '0';
            } else if (b >= 'a' && b <= 'f') {
                d = b - 'a' + 10;
            } else if (b >= 'A' && b <= 'F') {
                d = b - 'A' + 10;
            } else if (b == ';' || b == ' ' || b == '\t' || b == '\r') {
                break;
            } else {
                return -1;
            }
            if (++digits > 15) {
                return -1;
            }
            v = v * 16 + d;
        }
        return digits == 0 ? -1 : v;
    }

    private static boolean isHopByHop(ByteBuf in, int at, int len) {
        return nameIs(in, at, len, "keep-alive") || nameIs(in, at, len, "te") || nameIs(in, at, len, "trailer")
                || nameIs(in, at, len, "upgrade") || (len > 6 && nameIs(in, at, 6, "proxy-"));
    }

    private static boolean listed(List<String> lowerCaseTokens, ByteBuf in, int at, int len) {
        for (String t : lowerCaseTokens) {
            if (nameIs(in, at, len, t)) {
                return true;
            }
        }
        return false;
    }
}

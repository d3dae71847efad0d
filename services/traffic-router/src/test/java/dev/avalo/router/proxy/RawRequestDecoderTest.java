package dev.avalo.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import dev.avalo.router.proxy.RawRequestDecoder.Broken;
import dev.avalo.router.proxy.RawRequestDecoder.Framing;
import dev.avalo.router.proxy.RawRequestDecoder.Head;

class RawRequestDecoderTest {

    /** One decoded request: its head, the head's lines as text, its body, whether it ended, and a body error, if any. */
    record Decoded(Head head, String lines, String body, boolean ended, String broken) {
    }

    static List<Decoded> decode(String wire, boolean byteByByte) {
        EmbeddedChannel ch = new EmbeddedChannel(new RawRequestDecoder());
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte b : bytes) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        List<Decoded> out = new ArrayList<>();
        Head head = null;
        String lines = null;
        StringBuilder body = new StringBuilder();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof Head h) {
                head = h;
                lines = h.lines() == null ? null : h.lines().toString(StandardCharsets.ISO_8859_1);
                h.release();
                body.setLength(0);
            } else if (m instanceof ByteBuf b) {
                body.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            } else if (m == RawRequestDecoder.END) {
                out.add(new Decoded(head, lines, body.toString(), true, null));
                head = null;
            } else if (m instanceof Broken b) {
                out.add(new Decoded(head, lines, body.toString(), false, b.error()));
                head = null;
            }
        }
        if (head != null) {
            out.add(new Decoded(head, lines, body.toString(), false, null));
        }
        ch.finishAndReleaseAll();
        return out;
    }

    /** Decodes {@code wire} whole and byte by byte, asserting both give the same, and returns it. */
    static List<Decoded> both(String wire) {
        List<Decoded> whole = decode(wire, false);
        List<Decoded> bytes = decode(wire, true);
        assertThat(bytes).hasSameSizeAs(whole);
        for (int i = 0; i < whole.size(); i++) {
            Decoded a = whole.get(i);
            Decoded b = bytes.get(i);
            assertThat(b.lines()).isEqualTo(a.lines());
            assertThat(b.body()).isEqualTo(a.body());
            assertThat(b.ended()).isEqualTo(a.ended());
            assertThat(b.broken()).isEqualTo(a.broken());
            assertThat(b.head().error()).isEqualTo(a.head().error());
        }
        return whole;
    }

    /** Asserts {@code wire} is refused (whole and byte by byte) as a malformed head, with an error mentioning {@code why}. */
    static void refused(String wire, String why) {
        for (boolean byteByByte : new boolean[]{false, true}) {
            List<Decoded> out = decode(wire, byteByByte);
            assertThat(out).as("%s (byte by byte: %s)", wire, byteByByte).hasSize(1);
            assertThat(out.get(0).head().error()).as(wire).isNotNull().containsIgnoringCase(why);
            assertThat(out.get(0).ended()).isTrue();
        }
    }

    /** Asserts the body of {@code wire} is refused (whole and byte by byte) after an accepted head. */
    static void bodyRefused(String wire) {
        for (boolean byteByByte : new boolean[]{false, true}) {
            List<Decoded> out = decode(wire, byteByByte);
            assertThat(out).as(wire).hasSize(1);
            assertThat(out.get(0).head().error()).isNull();
            assertThat(out.get(0).broken()).as(wire).isNotNull();
        }
    }

    @Test
    void aGetIsForwardedAsHttp11WithItsHeadersAndNoBody() {
        List<Decoded> out = both("GET /a?b=c HTTP/1.1\r\nHost: shop.example\r\nX-User-Id: u1\r\nAccept: */*\r\n\r\n");
        assertThat(out).hasSize(1);
        Decoded d = out.get(0);
        assertThat(d.ended()).isTrue();
        assertThat(d.head().error()).isNull();
        assertThat(d.head().http10()).isFalse();
        assertThat(d.head().keepAlive()).isTrue();
        assertThat(d.head().isHead()).isFalse();
        assertThat(d.head().framing()).isEqualTo(Framing.NONE);
        assertThat(d.head().host()).isEqualTo("shop.example");
        assertThat(d.lines()).isEqualTo("GET /a?b=c HTTP/1.1\r\nHost: shop.example\r\nX-User-Id: u1\r\nAccept: */*\r\n");
    }

    @Test
    void headerValuesAreFoundByNameInAnyCase() {
        EmbeddedChannel ch = new EmbeddedChannel(new RawRequestDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nhost: h\r\nx-user-id: \t u7 \r\nCookie: a=1; sid=x\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        Head head = ch.readInbound();
        assertThat(head.header("X-User-Id")).isEqualTo("u7");
        assertThat(head.header("cookie")).isEqualTo("a=1; sid=x");
        assertThat(head.header("X-Missing")).isNull();
        assertThat(head.host()).isEqualTo("h");
        head.release();
        assertThat((Object) ch.readInbound()).isSameAs(RawRequestDecoder.END);
        ch.finishAndReleaseAll();
    }

    @Test
    void http10KeepAliveOnlyWhenAskedAndHeadRecognised() {
        assertThat(both("GET / HTTP/1.0\r\n\r\n").get(0).head().keepAlive()).isFalse();
        Decoded d = both("HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").get(0);
        assertThat(d.head().http10()).isTrue();
        assertThat(d.head().keepAlive()).isTrue();
        assertThat(d.head().isHead()).isTrue();
        assertThat(d.lines()).isEqualTo("HEAD / HTTP/1.1\r\n");
        assertThat(both("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").get(0).head().keepAlive()).isFalse();
        Decoded te10 = both(
                "POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
                .get(0);
        assertThat(te10.head().keepAlive()).as("HTTP/1.0 with Transfer-Encoding closes after").isFalse();
        assertThat(te10.body()).isEqualTo("ok");
    }

    @Test
    void contentLengthBodiesArePassedOnAndRequestsPipelined() {
        List<Decoded> out = both("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT /v HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc\r\n"
                + "GET /w HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
        assertThat(out).hasSize(3);
        assertThat(out.get(0).body()).isEqualTo("hello");
        assertThat(out.get(0).head().framing()).isEqualTo(Framing.LENGTH);
        assertThat(out.get(0).lines()).contains("Content-Length: 5\r\n");
        assertThat(out.get(1).body()).isEqualTo("abc");
        assertThat(out.get(2).body()).isEmpty();
        assertThat(out.get(2).head().framing()).isEqualTo(Framing.NONE);
        assertThat(out).allMatch(Decoded::ended);
    }

    @Test
    void chunkedBodiesAreDechunkedWithExtensionsAndTrailersDropped() {
        List<Decoded> out = both("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(out).hasSize(2);
        assertThat(out.get(0).head().framing()).isEqualTo(Framing.CHUNKED);
        assertThat(out.get(0).body()).isEqualTo("hello0123456789");
        assertThat(out.get(0).ended()).isTrue();
        assertThat(out.get(0).lines()).contains("Transfer-Encoding: chunked\r\n");
        assertThat(out.get(1).lines()).startsWith("GET /next HTTP/1.1\r\n");
        Decoded gz = both("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n").get(0);
        assertThat(gz.head().framing()).isEqualTo(Framing.CHUNKED);
        assertThat(gz.lines()).contains("Transfer-Encoding: gzip, chunked\r\n");
    }

    @Test
    void hopByHopExpectAndForwardedHeadersAreDroppedAndReported() {
        Decoded d = both("POST / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Private\r\nX-Private: p\r\n"
                + "Keep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: x\r\nUpgrade: h2c\r\nProxy-Authorization: Basic x\r\n"
                + "Proxy-Connection: keep-alive\r\nExpect: 100-continue\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\n"
                + "Content-Length: 2\r\nX-Kept: k\r\n\r\nok").get(0);
        assertThat(d.lines()).isEqualTo("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nX-Kept: k\r\n");
        assertThat(d.head().expect()).isEqualTo("100-continue");
        assertThat(d.head().forwardedFor()).isEqualTo("203.0.113.7, 198.51.100.1");
        assertThat(d.body()).isEqualTo("ok");
    }

    @Test
    void leadingEmptyLinesAreIgnoredAndBareLfAccepted() {
        Decoded d = both("\r\n\nGET / HTTP/1.1\nHost: h\n\n").get(0);
        assertThat(d.head().error()).isNull();
        assertThat(d.lines()).isEqualTo("GET / HTTP/1.1\r\nHost: h\r\n");
    }

    @Test
    void badRequestLinesAreRefused() {
        refused("GET /\r\n\r\n", "request line");
        refused("GET  / HTTP/1.1\r\n\r\n", "request line");
        refused("GET / HTTP/1.1 \r\n\r\n", "request line");
        refused("GET / HTTP/2.0\r\n\r\n", "request line");
        refused("GET / http/1.1\r\n\r\n", "request line");
        refused("G(T / HTTP/1.1\r\n\r\n", "request line");
        refused("GET /a\tb HTTP/1.1\r\n\r\n", "request line");
        refused(" GET / HTTP/1.1\r\n\r\n", "request line");
        refused("GET / HTTP/1.1\rHost: h\r\n\r\n", "request line");
    }

    @Test
    void badHeaderNamesWhitespaceBeforeColonAndFoldingAreRefused() {
        refused("GET / HTTP/1.1\r\nBad Header: y\r\n\r\n", "header name");
        refused("GET / HTTP/1.1\r\nHost : h\r\n\r\n", "header name");
        refused("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", "header name");
        refused("GET / HTTP/1.1\r\nX(y): h\r\n\r\n", "header name");
        refused("GET / HTTP/1.1\r\n: h\r\n\r\n", "header name");
        refused("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "header name");
        refused("GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", "folding");
        refused("GET / HTTP/1.1\r\nX-A: a\r\n\tb\r\n\r\n", "folding");
    }

    @Test
    void controlCharactersAndBareCrAreRefused() {
        refused("GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", "control");
        refused("GET / HTTP/1.1\r\nX-A: a\u001bb\r\n\r\n", "control");
        refused("GET / HTTP/1.1\r\nX-A: a\u007fb\r\n\r\n", "control");
        refused("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", "bare CR");
        refused("GET / HTTP/1.1\r\nX-A: a\r\r\n\r\n", "bare CR");
        refused("\rGET / HTTP/1.1\r\n\r\n", "bare CR");
        // HTAB and obs-text are fine in values
        assertThat(both("GET / HTTP/1.1\r\nX-A: a\tb\u00e9\r\n\r\n").get(0).head().error()).isNull();
    }

    @Test
    void ambiguousFramingIsRefused() {
        refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both");
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both");
        refused("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "differing");
        refused("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n", "invalid Content-Length");
        refused("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length");
        refused("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", "invalid Content-Length");
        refused("POST / HTTP/1.1\r\nContent-Length: \r\n\r\n", "invalid Content-Length");
        refused("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", "invalid Content-Length");
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "not chunked");
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "chunked");
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "chunked");
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n", "not chunked");
        refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "Host");
    }

    @Test
    void badChunksAreRefused() {
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 5\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a\u0000\r\nhello\r\n");
        bodyRefused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nbad trailer\r\n\r\n");
    }

    @Test
    void headsOver16KbAreRefused() {
        String big = "GET / HTTP/1.1\r\nX-Big: " + "a".repeat(RawRequestDecoder.MAX_HEAD) + "\r\n\r\n";
        refused(big, "longer than");
        String endless = "GET / HTTP/1.1\r\n" + "X-A: b\r\n".repeat(RawRequestDecoder.MAX_HEAD / 8 + 1);
        List<Decoded> out = decode(endless, false);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).head().error()).contains("longer than");
        // just under the limit is fine
        String fits = "GET / HTTP/1.1\r\nX-Big: " + "a".repeat(RawRequestDecoder.MAX_HEAD - 100) + "\r\n\r\n";
        assertThat(decode(fits, false).get(0).head().error()).isNull();
    }

    @Test
    void nothingIsReadAfterARefusal() {
        List<Decoded> out = decode("GET / HTTP/1.1\r\nBad Name: x\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", false);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).head().error()).isNotNull();
    }
}

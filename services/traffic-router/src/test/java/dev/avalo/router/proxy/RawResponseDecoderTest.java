package dev.avalo.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import dev.avalo.router.proxy.RawResponseDecoder.Framing;
import dev.avalo.router.proxy.RawResponseDecoder.Head;

/** The raw upstream response reader, fed whole and byte by byte. */
class RawResponseDecoderTest {

    record Decoded(Head head, String body, boolean ended) {
        String lines() {
            return head.lines().toString(StandardCharsets.US_ASCII);
        }
    }

    static List<Decoded> decode(RawResponseDecoder decoder, String wire, boolean byteByByte, boolean close) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte b : bytes) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        if (close) {
            ch.finish();
        }
        List<Decoded> out = new ArrayList<>();
        Head head = null;
        StringBuilder body = new StringBuilder();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof Head h) {
                head = h;
                body.setLength(0);
            } else if (m instanceof ByteBuf b) {
                body.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            } else if (m == RawResponseDecoder.END) {
                out.add(new Decoded(head, body.toString(), true));
                head = null;
            }
        }
        if (head != null) {
            out.add(new Decoded(head, body.toString(), false));
        }
        return out;
    }

    @Test
    void contentLengthBodyAndKeptHeadersWholeAndByteByByte() {
        String wire = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n"
                + "Keep-Alive: timeout=5\r\nX-Up: a\r\n\r\nhello";
        for (boolean split : new boolean[]{false, true}) {
            List<Decoded> r = decode(new RawResponseDecoder(), wire + wire, split, false);
            assertThat(r).hasSize(2);
            for (Decoded d : r) {
                assertThat(d.ended()).isTrue();
                assertThat(d.head().status()).isEqualTo(200);
                assertThat(d.head().keepAlive()).isTrue();
                assertThat(d.head().framing()).isEqualTo(Framing.LENGTH);
                assertThat(d.body()).isEqualTo("hello");
                assertThat(d.lines()).isEqualTo(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-Up: a\r\n");
            }
        }
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersIsDechunked() {
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\n"
                + "X-Trailer: t\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        for (boolean split : new boolean[]{false, true}) {
            List<Decoded> r = decode(new RawResponseDecoder(), wire, split, false);
            assertThat(r).hasSize(2);
            assertThat(r.get(0).head().framing()).isEqualTo(Framing.CHUNKED);
            assertThat(r.get(0).body()).isEqualTo("hello, world!!!");
            assertThat(r.get(0).lines()).isEqualTo("HTTP/1.1 200 OK\r\n");
            assertThat(r.get(1).head().status()).isEqualTo(204);
            assertThat(r.get(1).head().framing()).isEqualTo(Framing.NONE);
        }
    }

    @Test
    void aBodyEndedByClosingEndsWhenTheConnectionDoes() {
        List<Decoded> open = decode(new RawResponseDecoder(), "HTTP/1.1 200 OK\r\n\r\nuntil", false, false);
        assertThat(open).hasSize(1);
        assertThat(open.get(0).ended()).isFalse();
        List<Decoded> closed = decode(new RawResponseDecoder(), "HTTP/1.1 200 OK\r\n\r\nuntil-close", true, true);
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).ended()).isTrue();
        assertThat(closed.get(0).head().framing()).isEqualTo(Framing.CLOSE);
        assertThat(closed.get(0).head().keepAlive()).isFalse();
        assertThat(closed.get(0).body()).isEqualTo("until-close");
    }

    @Test
    void aResponseToHeadHasNoBodyWhateverItsHeadersSay() {
        RawResponseDecoder decoder = new RawResponseDecoder();
        decoder.expectHeadResponse(true);
        List<Decoded> r = decode(decoder, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", false, false);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).ended()).isTrue();
        assertThat(r.get(0).head().framing()).isEqualTo(Framing.NONE);
        assertThat(r.get(0).lines()).contains("Content-Length: 100");
    }

    @Test
    void informationalResponsesAreSkipped() {
        List<Decoded> r = decode(new RawResponseDecoder(),
                "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", true,
                false);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).head().status()).isEqualTo(201);
        assertThat(r.get(0).body()).isEqualTo("ok");
    }

    @Test
    void hopByHopHeadersAndThoseConnectionListsAreDropped() {
        List<Decoded> r = decode(new RawResponseDecoder(), "HTTP/1.0 200 OK\r\nConnection: keep-alive, X-Private\r\n"
                + "X-Private: p\r\nProxy-Authenticate: Basic\r\nUpgrade: h2c\r\nTrailer: X\r\nX-Kept: k\r\n"
                + "Content-Length: 0\r\n\r\n", false, false);
        assertThat(r.get(0).head().keepAlive()).as("HTTP/1.0 with keep-alive").isTrue();
        assertThat(r.get(0).lines()).isEqualTo("HTTP/1.0 200 OK\r\nX-Kept: k\r\nContent-Length: 0\r\n");
        List<Decoded> close = decode(new RawResponseDecoder(),
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false, false);
        assertThat(close.get(0).head().keepAlive()).isFalse();

        // a header the Connection header names is dropped even when it comes first
        List<Decoded> early = decode(new RawResponseDecoder(), "HTTP/1.1 200 OK\r\nX-Early: e\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Connection: x\r\nConnection: X-Early\r\nX-Kept: k\r\nContent-Length: 0\r\n\r\n", false, false);
        assertThat(early.get(0).lines()).isEqualTo("HTTP/1.1 200 OK\r\nX-Kept: k\r\nContent-Length: 0\r\n");
        assertThat(early.get(0).head().keepAlive()).isTrue();
        // the common case: a single keep-alive token, any case, with padding
        List<Decoded> common = decode(new RawResponseDecoder(), "HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\n"
                + "Connection:  Keep-Alive \r\nServer: n\r\nContent-Length:\t0\r\n\r\n", false, false);
        assertThat(common.get(0).lines()).isEqualTo("HTTP/1.0 200 OK\r\nServer: n\r\nContent-Length:\t0\r\n");
        assertThat(common.get(0).head().keepAlive()).isTrue();
    }

    @Test
    void malformedResponsesAreRefused() {
        for (String bad : List.of("HTTP/1.1 2x0 OK\r\n\r\n", "garbage that is not http\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")) {
            EmbeddedChannel ch = new EmbeddedChannel(new RawResponseDecoder());
            assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.ISO_8859_1)))
                    .as(bad).isInstanceOf(DecoderException.class);
        }
    }
}

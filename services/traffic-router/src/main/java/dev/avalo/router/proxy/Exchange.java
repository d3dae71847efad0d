package dev.avalo.router.proxy;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import dev.avalo.router.proxy.Upstreams.SideState;
import dev.avalo.router.route.CompiledRoute;
import dev.avalo.router.route.StickyHash;

/**
 * One proxied request, on its event loop from start to end. Picks the side (sticky bucket vs. canary weight) and an upstream,
 * takes a pooled keep-alive connection or opens one, forwards the request head (bytes from {@link RawRequestDecoder}, with
 * X-Forwarded-* spliced in) and streams its body, then streams the response back (bytes from {@link RawResponseDecoder}). A
 * connect failure is retried once on another upstream of the same side; a pooled connection the upstream closed before
 * answering a body-less request is retried once on a new connection. Otherwise a failure before the response head becomes a 502
 * problem, no head within the response timeout a 504 problem, and a failure mid-body closes the client connection. The outcome
 * is recorded exactly once, for the revision that served it.
 */
final class Exchange {

    /** Sticky cookies live a year. */
    private static final String COOKIE_ATTRIBUTES = "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax";
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] TE_CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFF = "X-Forwarded-For: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFP_HTTP = "X-Forwarded-Proto: http\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFH = "X-Forwarded-Host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMA = {',', ' '};
    /** Status recorded when the client went away before its response ended (as nginx logs it). */
    static final int CLIENT_CLOSED = 499;

    final ClientConnection client;
    private final Loop loop;
    private final RawRequestDecoder.Head request;
    /** The request head as sent upstream; kept (duplicated per attempt) until the response starts, for the stale retry. */
    private ByteBuf upstreamHead;
    private boolean chunkedUp;
    private final long startNanos = System.nanoTime();
    private boolean hasUser;
    private long userHash;
    /** When the outcome was recorded (0 before), reused as the client connection's idle start. */
    long endNanos;

    private SideState side;
    private Upstream upstream;
    private UpstreamConnection conn;
    private String setCookie;
    private boolean keepAlive;
    private boolean http10;
    /** Request body parts that arrived before the upstream connection was ready. */
    private ArrayDeque<ByteBuf> held;
    private boolean connecting;
    private boolean reused;
    private boolean retriedConnect;
    private boolean retriedStale;
    private boolean requestHasBody;
    boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean recorded;
    private boolean finished;
    private int status;
    /** The response goes to the client in chunks (re-framed here). */
    private boolean chunkedOut;

    // Loop's deadline-ordered list of exchanges awaiting a response head
    long deadline;
    boolean awaiting;
    Exchange prevAwaiting;
    Exchange nextAwaiting;

    Exchange(ClientConnection client, RawRequestDecoder.Head request) {
        this.client = client;
        this.loop = client.loop;
        this.request = request;
    }

    void begin() {
        RawRequestDecoder.Head request = this.request;
        keepAlive = request.keepAlive();
        http10 = request.http10();
        if (request.error() != null) {
            keepAlive = false;
            local(400, "bad-request", "Bad Request", "malformed HTTP request: " + request.error());
            return;
        }
        String expect = request.expect();
        if (expect != null && !"100-continue".equalsIgnoreCase(expect)) {
            keepAlive = false;
            local(417, "expectation-failed", "Expectation Failed", "only 'Expect: 100-continue' is supported");
            return;
        }
        String host = request.host();
        CompiledRoute route = loop.proxy.table.forHost(host);
        if (route == null) {
            local(404, "unknown-host", "Not Found", "no route for host '" + host + "' on this router");
            return;
        }
        // a request with an empty or no identity header has no user: it is split per request by weight
        boolean identified = false;
        long hash = 0;
        if (route.stickyHeader() != null) {
            long range = request.headerRange(route.stickyHeader());
            int from = (int) (range >>> 32);
            int to = (int) range;
            if (range >= 0 && to > from) {
                hash = loop.identityHash(request.lines(), from, to - from);
                identified = true;
            }
        } else if (route.stickyCookie() != null) {
            String identity = Headers.cookie(request.header("Cookie"), route.stickyCookie());
            if (identity == null || identity.isEmpty()) {
                identity = newIdentity();
                setCookie = route.stickyCookie() + "=" + identity + COOKIE_ATTRIBUTES;
            }
            hash = StickyHash.hash(identity);
            identified = true;
        }
        int bucket = identified ? StickyHash.bucket(hash) : ThreadLocalRandom.current().nextInt(10_000);
        side = loop.proxy.upstreams.state(route).sideFor(bucket);
        side.metrics.started(loop.slot);
        // the user is counted with the request, when it completes (RevisionMetrics: same window, one critical section)
        hasUser = identified;
        userHash = hash;
        if (expect != null && !http10) {
            // answered here, as nginx does: the body comes to the proxy, which streams it on (Expect is not forwarded)
            client.ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
                    client.ctx.voidPromise());
        }
        // the head as decoded (request line already HTTP/1.1: upstream connections are keep-alive whatever the client
        // speaks; hop-by-hop headers dropped), then X-Forwarded-*, then the blank line
        ByteBuf head = request.lines();
        head.writeBytes(XFF);
        if (request.forwardedFor() != null) {
            head.writeCharSequence(request.forwardedFor(), StandardCharsets.ISO_8859_1);
            head.writeBytes(COMMA);
        }
        head.writeCharSequence(client.clientAddress, StandardCharsets.US_ASCII);
        head.writeBytes(CRLF);
        head.writeBytes(XFP_HTTP);
        if (host != null) {
            head.writeBytes(XFH);
            head.writeCharSequence(host, StandardCharsets.ISO_8859_1);
            head.writeBytes(CRLF);
        }
        head.writeBytes(CRLF);
        upstreamHead = head;
        chunkedUp = request.framing() == RawRequestDecoder.Framing.CHUNKED;
        upstream = side.pick(null);
        acquire(true);
    }

    private void acquire(boolean mayReuse) {
        UpstreamConnection c = mayReuse ? loop.pooled(upstream) : null;
        if (c != null) {
            reused = true;
            attach(c);
            return;
        }
        reused = false;
        connecting = true;
        Upstream target = upstream;
        loop.connect(target).addListener((ChannelFutureListener) f -> connected(target, f));
    }

    private void connected(Upstream target, ChannelFuture f) {
        connecting = false;
        boolean ok = f.isSuccess();
        if (ok && isSelfConnect(f.channel())) {
            // TCP simultaneous open: nothing listened on the upstream's port and the kernel picked that same port as our
            // source port, so the socket is connected to itself. That is "connection refused", not an upstream.
            f.channel().close();
            ok = false;
        }
        if (ok) {
            target.succeeded();
        }
        if (finished || responseDone) {
            if (ok) {
                loop.release(target, (UpstreamConnection) f.channel().pipeline().last());
            }
            return;
        }
        if (!ok) {
            target.connectFailed();
            if (!retriedConnect) {
                retriedConnect = true;
                Upstream next = side.pick(target);
                if (next != target) {
                    upstream = next;
                    acquire(true);
                    return;
                }
            }
            fail(502, "upstream-unreachable", "Bad Gateway", "cannot connect to upstream " + target + " of revision "
                    + side.revision);
            return;
        }
        attach((UpstreamConnection) f.channel().pipeline().last());
    }

    private static boolean isSelfConnect(Channel ch) {
        SocketAddress local = ch.localAddress();
        return local != null && local.equals(ch.remoteAddress());
    }

    private void attach(UpstreamConnection c) {
        conn = c;
        c.exchange = this;
        c.keepAlive = true;
        c.decoder.expectHeadResponse(request.isHead());
        c.channel.write(upstreamHead.retainedDuplicate(), c.channel.voidPromise());
        ArrayDeque<ByteBuf> h = held;
        if (h != null) {
            ByteBuf part;
            while ((part = h.poll()) != null) {
                writeBody(c, part);
            }
        }
        if (requestDone) {
            if (chunkedUp) {
                c.channel.write(Unpooled.wrappedBuffer(LAST_CHUNK), c.channel.voidPromise());
            }
            c.channel.flush();
            loop.awaitHead(this);
        }
        client.updateAutoRead();
    }

    /** A part of the request body (de-chunked). */
    void requestContent(ByteBuf data) {
        if (data.isReadable()) {
            requestHasBody = true;
        }
        if (responseDone || side == null) {
            // answered already (locally or by the upstream): the rest of the body is read and dropped
            data.release();
        } else if (conn != null) {
            writeBody(conn, data);
        } else {
            if (held == null) {
                held = new ArrayDeque<>(4);
            }
            held.add(data);
            client.updateAutoRead();
        }
    }

    private void writeBody(UpstreamConnection c, ByteBuf data) {
        if (chunkedUp) {
            if (!data.isReadable()) {
                data.release();
                return;
            }
            ByteBuf size = c.channel.alloc().buffer(12);
            ByteBufUtil.writeAscii(size, Integer.toHexString(data.readableBytes()));
            size.writeBytes(CRLF);
            c.channel.write(size, c.channel.voidPromise());
            c.channel.write(data, c.channel.voidPromise());
            c.channel.write(Unpooled.wrappedBuffer(CRLF), c.channel.voidPromise());
        } else {
            c.channel.write(data, c.channel.voidPromise());
        }
    }

    /** The request (its body, if any) ended. */
    void requestEnd() {
        requestDone = true;
        if (conn != null && !responseDone) {
            if (chunkedUp) {
                conn.channel.write(Unpooled.wrappedBuffer(LAST_CHUNK), conn.channel.voidPromise());
            }
            conn.channel.flush();
            if (!responseStarted) {
                loop.awaitHead(this);
            }
        }
        maybeFinish();
    }

    /** The request body turned out malformed: nothing more is read from this client. */
    void requestBroken(String why) {
        requestDone = true;
        keepAlive = false;
        loop.answered(this);
        UpstreamConnection c = conn;
        conn = null;
        if (c != null) {
            // the upstream got part of a request: that connection is out of step
            c.exchange = null;
            c.keepAlive = false;
            c.channel.close();
        }
        releaseHeld();
        releaseHead();
        if (responseDone) {
            client.ctx.close();
            maybeFinish();
        } else if (responseStarted) {
            abort();
        } else {
            responseDone = true;
            write(Problems.response(client.ctx.alloc(), 400, "bad-request", "Bad Request", "malformed HTTP request: "
                    + why, false, side != null ? side.revisionHeader : null));
            if (side != null) {
                record(400, false);
            }
            maybeFinish();
        }
    }

    /** End of a read from the client: forwards what was written to the upstream so far. */
    void flushUpstream() {
        if (conn != null && !requestDone) {
            conn.channel.flush();
        }
    }

    /** Whether the client connection may keep reading: not while body parts pile up or the upstream is not writable. */
    boolean wantsClientReads() {
        if (requestDone || responseDone) {
            return true;
        }
        if (conn == null) {
            return held == null || held.size() < ClientConnection.MAX_HELD;
        }
        return conn.channel.isWritable();
    }

    void clientWritabilityChanged(boolean writable) {
        UpstreamConnection c = conn;
        if (c != null && c.channel.config().isAutoRead() != writable) {
            c.channel.config().setAutoRead(writable);
        }
    }

    void responseHead(RawResponseDecoder.Head head) {
        ByteBuf lines = head.lines();
        if (responseDone) {
            lines.release();
            return;
        }
        loop.answered(this);
        responseStarted = true;
        releaseHead();
        status = head.status();
        conn.keepAlive = head.keepAlive();
        RawResponseDecoder.Framing framing = head.framing();
        if (framing == RawResponseDecoder.Framing.CHUNKED || framing == RawResponseDecoder.Framing.CLOSE) {
            if (http10) {
                // an HTTP/1.0 client cannot read chunks: the body goes as is and the end of the connection ends it
                keepAlive = false;
            } else {
                // chunked as received (de-chunked and chunked again), or re-framed when the upstream ends the body by
                // closing, so the client connection stays reusable
                chunkedOut = true;
            }
        }
        lines.writeBytes(side.revisionLine);
        if (setCookie != null) {
            lines.writeCharSequence("Set-Cookie: ", StandardCharsets.US_ASCII);
            lines.writeCharSequence(setCookie, StandardCharsets.US_ASCII);
            lines.writeBytes(CRLF);
        }
        if (chunkedOut) {
            lines.writeBytes(TE_CHUNKED);
        }
        if (!keepAlive) {
            lines.writeBytes(CONNECTION_CLOSE);
        } else if (http10) {
            lines.writeBytes(CONNECTION_KEEP_ALIVE);
        }
        lines.writeBytes(CRLF);
        client.raw.write(lines, client.raw.voidPromise());
    }

    void responseContent(ByteBuf data) {
        if (responseDone) {
            data.release();
            return;
        }
        if (chunkedOut) {
            ByteBuf size = client.ctx.alloc().buffer(12);
            ByteBufUtil.writeAscii(size, Integer.toHexString(data.readableBytes()));
            size.writeBytes(CRLF);
            client.raw.write(size, client.raw.voidPromise());
            client.raw.write(data, client.raw.voidPromise());
            client.raw.write(Unpooled.wrappedBuffer(CRLF), client.raw.voidPromise());
        } else {
            client.raw.write(data, client.raw.voidPromise());
        }
    }

    void responseEnd() {
        if (responseDone) {
            return;
        }
        responseDone = true;
        if (keepAlive && !chunkedOut) {
            // nothing to add after the body: flush what was written (no empty write through the pipeline)
            client.raw.flush();
        } else {
            ByteBuf last = chunkedOut ? Unpooled.wrappedBuffer(LAST_CHUNK) : Unpooled.EMPTY_BUFFER;
            if (keepAlive) {
                client.raw.writeAndFlush(last, client.raw.voidPromise());
            } else {
                client.raw.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
            }
        }
        long now = System.nanoTime();
        UpstreamConnection c = conn;
        conn = null;
        c.exchange = null;
        if (requestDone) {
            loop.release(upstream, c, now);
        } else {
            // the upstream answered before the whole request was sent: this connection is out of step
            c.channel.close();
        }
        record(status, false, now);
        maybeFinish();
    }

    /** The upstream connection closed while this exchange used it. */
    void upstreamClosed(UpstreamConnection c) {
        if (conn != c || finished || responseDone) {
            return;
        }
        conn = null;
        loop.answered(this);
        if (!responseStarted) {
            if (reused && !retriedStale && !requestHasBody && requestDone) {
                // the usual keep-alive race: the upstream closed an idle connection as we reused it; nothing was answered,
                // and a body-less request can go again on a new connection
                retriedStale = true;
                acquire(false);
                return;
            }
            fail(502, "upstream-failed", "Bad Gateway", "upstream " + upstream + " of revision " + side.revision
                    + " closed the connection before responding");
        } else {
            abort();
        }
    }

    /** No response head within the response timeout. */
    void onTimeout() {
        if (finished || responseStarted || responseDone) {
            return;
        }
        UpstreamConnection c = conn;
        conn = null;
        if (c != null) {
            c.exchange = null;
            c.keepAlive = false;
            c.channel.close();
        }
        fail(504, "upstream-timeout", "Gateway Timeout", "upstream " + upstream + " of revision " + side.revision
                + " did not respond within " + TimeUnit.NANOSECONDS.toMillis(
                        loop.proxy.responseTimeoutNanos)
                + " ms");
    }

    /** The client connection closed. */
    void clientClosed() {
        if (finished) {
            return;
        }
        finished = true;
        loop.answered(this);
        UpstreamConnection c = conn;
        conn = null;
        if (c != null) {
            c.exchange = null;
            c.keepAlive = false;
            c.channel.close();
        }
        releaseHeld();
        releaseHead();
        if (side != null) {
            record(responseDone ? status : CLIENT_CLOSED, false);
        }
    }

    /** A response made here (unknown host, bad request): no revision involved, nothing recorded. */
    private void local(int code, String slug, String title, String detail) {
        responseDone = true;
        request.release();
        write(Problems.response(client.ctx.alloc(), code, slug, title, detail, keepAlive, null));
        // the body, if any, follows and is dropped; the exchange ends with the request's end
    }

    /** A failure before the response head: a problem response, counted as a proxy error of the revision. */
    private void fail(int code, String slug, String title, String detail) {
        releaseHeld();
        releaseHead();
        if (responseStarted) {
            abort();
            return;
        }
        responseDone = true;
        write(Problems.response(client.ctx.alloc(), code, slug, title, detail, keepAlive, side.revisionHeader));
        record(code, true);
        maybeFinish();
    }

    /** A failure mid-response: the client cannot be told, so its connection closes. */
    private void abort() {
        responseDone = true;
        keepAlive = false;
        releaseHeld();
        releaseHead();
        record(status, true);
        client.ctx.close();
        maybeFinish();
    }

    private void write(FullHttpResponse response) {
        if (keepAlive) {
            client.ctx.writeAndFlush(response, client.ctx.voidPromise());
        } else {
            client.ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void releaseHead() {
        ByteBuf h = upstreamHead;
        if (h != null) {
            upstreamHead = null;
            h.release();
        }
    }

    private void releaseHeld() {
        if (held != null) {
            ByteBuf part;
            while ((part = held.poll()) != null) {
                part.release();
            }
        }
    }

    private void record(int code, boolean proxyError) {
        record(code, proxyError, System.nanoTime());
    }

    private void record(int code, boolean proxyError, long now) {
        if (!recorded) {
            recorded = true;
            endNanos = now;
            side.metrics.completed(loop.slot, code, (now - startNanos) / 1000, proxyError, hasUser, userHash);
        }
    }

    private void maybeFinish() {
        if (requestDone && responseDone && !finished) {
            finished = true;
            client.exchangeDone(this, keepAlive);
        }
    }

    private static String newIdentity() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}

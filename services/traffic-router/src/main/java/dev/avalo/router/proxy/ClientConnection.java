package dev.avalo.router.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.ReferenceCountUtil;

/**
 * One downstream (client) connection: runs its requests one at a time as {@link Exchange}s. Requests a client pipelines behind
 * the current one wait, decoded ({@link RawRequestDecoder}), in order; reading from the client stops only under back-pressure
 * (a slow upstream, a body arriving before the upstream connection, many pipelined requests), never per request.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    /** Messages held (pipelined requests, body parts awaiting a connection) before reading from the client pauses. */
    static final int MAX_HELD = 32;

    final Loop loop;
    ChannelHandlerContext ctx;
    /** The response encoder's context: writes made through it skip the encoder (proxied responses, already bytes). */
    ChannelHandlerContext raw;
    String clientAddress = "unknown";
    /** When the last exchange ended (or the connection opened), for the loop's idle sweep. */
    long idleSince = System.nanoTime();
    private Exchange current;
    private ArrayDeque<Object> pipelined;

    ClientConnection(Loop loop) {
        this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.raw = ctx.pipeline().context(HttpResponseEncoder.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            clientAddress = inet.getAddress().getHostAddress();
        }
        loop.clients.add(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if ((pipelined != null && !pipelined.isEmpty()) || (current != null && current.requestDone)) {
            if (pipelined == null) {
                pipelined = new ArrayDeque<>();
            }
            pipelined.add(msg);
            updateAutoRead();
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof ByteBuf data) {
            if (current != null) {
                current.requestContent(data);
            } else {
                data.release();
            }
        } else if (msg == RawRequestDecoder.END) {
            if (current != null) {
                current.requestEnd();
            }
        } else if (msg instanceof RawRequestDecoder.Head head) {
            current = new Exchange(this, head);
            current.begin();
        } else if (msg instanceof RawRequestDecoder.Broken broken) {
            if (current != null) {
                current.requestBroken(broken.error());
            } else {
                ctx.close();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    static void release(Object msg) {
        if (msg instanceof RawRequestDecoder.Head head) {
            head.release();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) {
            current.flushUpstream();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loop.clients.remove(this);
        if (current != null) {
            Exchange e = current;
            current = null;
            e.clientClosed();
        }
        if (pipelined != null) {
            pipelined.forEach(ClientConnection::release);
            pipelined.clear();
        }
        ctx.fireChannelInactive();
    }

    /** Whether no request is in progress and none came for {@code idleNanos}. */
    boolean idleFor(long now, long idleNanos) {
        return current == null && (pipelined == null || pipelined.isEmpty()) && now - idleSince >= idleNanos;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // connection resets and the like: the exchange (if any) hears it from channelInactive
        ctx.close();
    }

    /** Flushes what the current exchange wrote to the client. */
    void flush() {
        ctx.flush();
    }

    /** {@code e} is over (request read, response written); runs the next pipelined request, if any. */
    void exchangeDone(Exchange e, boolean keepAlive) {
        if (current != e) {
            return;
        }
        current = null;
        idleSince = e.endNanos != 0 ? e.endNanos : System.nanoTime();
        if (!keepAlive) {
            // the response's last write closes the connection; anything pipelined behind it is dropped
            if (pipelined != null) {
                pipelined.forEach(ClientConnection::release);
                pipelined.clear();
            }
            return;
        }
        while (pipelined != null && !pipelined.isEmpty() && (current == null || !current.requestDone)
                && ctx.channel().isActive()) {
            dispatch(pipelined.poll());
        }
        updateAutoRead();
    }

    /** What this connection last set autoRead to (only this event loop sets it; the channel's flag is volatile). */
    private boolean autoRead = true;

    /** Reads from the client unless something is held back: too many held messages, or the exchange asks to pause. */
    void updateAutoRead() {
        boolean want = (pipelined == null || pipelined.size() < MAX_HELD) && (current == null || current.wantsClientReads());
        if (autoRead != want) {
            autoRead = want;
            ctx.channel().config().setAutoRead(want);
        }
    }
}

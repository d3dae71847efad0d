package dev.avalo.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection to an upstream, on one event loop; serves one {@link Exchange} at a time and goes back to its
 * loop's pool in between. Responses arrive raw from {@link RawResponseDecoder}.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    final Loop loop;
    Channel channel;
    /** The exchange using this connection, or null while pooled. */
    Exchange exchange;
    /** Whether the upstream allows reuse after the current response (no {@code Connection: close}, HTTP/1.1). */
    boolean keepAlive = true;
    long idleSince;
    RawResponseDecoder decoder;

    UpstreamConnection(Loop loop) {
        this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
        this.decoder = ctx.pipeline().get(RawResponseDecoder.class);
    }

    boolean reusable() {
        return keepAlive && channel.isActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange e = exchange;
        if (e == null) {
            // a response nobody asked for: this connection is out of step, drop it
            release(msg);
            keepAlive = false;
            ctx.close();
            return;
        }
        if (msg instanceof RawResponseDecoder.Head head) {
            e.responseHead(head);
        } else if (msg instanceof ByteBuf data) {
            e.responseContent(data);
        } else if (msg == RawResponseDecoder.END) {
            e.responseEnd();
        }
    }

    private static void release(Object msg) {
        if (msg instanceof RawResponseDecoder.Head head) {
            head.lines().release();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) {
            e.client.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) {
            e.client.updateAutoRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        keepAlive = false;
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.upstreamClosed(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        keepAlive = false;
        ctx.close();
    }
}

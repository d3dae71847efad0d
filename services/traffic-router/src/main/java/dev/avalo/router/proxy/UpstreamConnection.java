package dev.avalo.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection to an upstream, on one event loop; serves one {@link Exchange} at a time and goes back to its
 * loop's pool in between. Informational responses (1xx other than 101) are dropped: the proxy answers Expect itself.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    final Loop loop;
    Channel channel;
    /** The exchange using this connection, or null while pooled. */
    Exchange exchange;
    /** Whether the upstream allows reuse after the current response (no {@code Connection: close}, HTTP/1.1). */
    boolean keepAlive = true;
    long idleSince;
    private boolean informational;

    UpstreamConnection(Loop loop) {
        this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    boolean reusable() {
        return keepAlive && channel.isActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange e = exchange;
        if (e == null) {
            // a response nobody asked for: this connection is out of step, drop it
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                keepAlive = false;
                ctx.close();
                return;
            }
            int code = response.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                informational = true;
            } else {
                e.responseHead(response);
            }
        }
        if (msg instanceof HttpContent content) {
            if (informational) {
                content.release();
                if (content instanceof LastHttpContent) {
                    informational = false;
                }
            } else if (content.decoderResult().isFailure()) {
                content.release();
                keepAlive = false;
                ctx.close();
            } else if (exchange == e) {
                e.responseContent(content);
            } else {
                content.release();
            }
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

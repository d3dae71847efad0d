package dev.avalo.router.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;

import dev.avalo.router.route.StickyHash;

/**
 * What one event loop owns: its metrics slot, its upstream connection factory and keep-alive pools, and the exchanges awaiting
 * a response head, in deadline order (every exchange has the same timeout, so appending keeps the order and a periodic sweep
 * from the head finds the expired ones in O(1) each). Touched by that loop's thread only.
 */
final class Loop {

    final ReverseProxy proxy;
    final int slot;
    final EventLoop eventLoop;
    /** This loop's open client connections (added and removed per connection, never per request). */
    final Set<ClientConnection> clients = new HashSet<>();
    private final Bootstrap bootstrap;
    /** Scratch for {@link #identityHash}: this loop's requests are handled one at a time. */
    private final byte[] identityBytes = new byte[256];
    private Exchange awaitingHead;
    private Exchange awaitingTail;
    private long lastIdleSweep;

    Loop(ReverseProxy proxy, int slot, EventLoop eventLoop, Class<? extends SocketChannel> socket,
            AddressResolverGroup<?> resolver) {
        this.proxy = proxy;
        this.slot = slot;
        this.eventLoop = eventLoop;
        this.bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(socket)
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, proxy.config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // requests go out as bytes (heads from RawRequestDecoder, X-Forwarded-* spliced in); responses are
                        // read raw (RawResponseDecoder) and passed on as bytes: no header maps either way
                        ch.pipeline().addLast(new RawResponseDecoder(),
                                new UpstreamConnection(Loop.this));
                    }
                });
    }

    /** Starts this loop's periodic sweep of response timeouts and idle upstream connections. */
    void startSweeping() {
        long period = Math.max(10, Math.min(100, TimeUnit.NANOSECONDS.toMillis(proxy.responseTimeoutNanos) / 10));
        eventLoop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * {@link StickyHash#hash(String)} of the ISO-8859-1 text at {@code buf[from, from+length)}, a header value: from its bytes
     * when it is ASCII (then they are its UTF-8 bytes too), so that the sticky identity costs no {@code String} per request;
     * from the text otherwise, or when it is longer than the scratch array.
     */
    long identityHash(ByteBuf buf, int from, int length) {
        byte[] bytes = identityBytes;
        if (length <= bytes.length) {
            buf.getBytes(from, bytes, 0, length);
            int i = 0;
            while (i < length && bytes[i] >= 0) {
                i++;
            }
            if (i == length) {
                return StickyHash.hash(bytes, 0, length);
            }
        }
        return StickyHash.hash(buf.toString(from, length, StandardCharsets.ISO_8859_1));
    }

    /** The most recently used idle connection to {@code upstream} that is still open, or null. */
    UpstreamConnection pooled(Upstream upstream) {
        ArrayDeque<UpstreamConnection> idle = upstream.idle(slot);
        UpstreamConnection c;
        while ((c = idle.pollLast()) != null) {
            if (c.channel.isActive()) {
                return c;
            }
        }
        return null;
    }

    /** A new connection to {@code upstream} on this loop. */
    ChannelFuture connect(Upstream upstream) {
        return bootstrap.connect(upstream.address());
    }

    /** Returns {@code c} to its upstream's pool, or closes it when the pool is full or it cannot be reused. */
    void release(Upstream upstream, UpstreamConnection c) {
        release(upstream, c, System.nanoTime());
    }

    /** As {@link #release(Upstream, UpstreamConnection)}, {@code now} being {@link System#nanoTime()}. */
    void release(Upstream upstream, UpstreamConnection c, long now) {
        ArrayDeque<UpstreamConnection> idle = upstream.idle(slot);
        if (!c.reusable() || idle.size() >= proxy.idlePerLoop) {
            c.channel.close();
            return;
        }
        c.idleSince = now;
        if (!c.channel.config().isAutoRead()) {
            c.channel.config().setAutoRead(true);
        }
        idle.addLast(c);
    }

    /** {@code e} sent its request and now awaits the response head until {@code e.deadline}. */
    void awaitHead(Exchange e) {
        e.deadline = System.nanoTime() + proxy.responseTimeoutNanos;
        e.prevAwaiting = awaitingTail;
        e.nextAwaiting = null;
        if (awaitingTail == null) {
            awaitingHead = e;
        } else {
            awaitingTail.nextAwaiting = e;
        }
        awaitingTail = e;
        e.awaiting = true;
    }

    /** {@code e} no longer awaits a response head (it came, or the exchange ended). */
    void answered(Exchange e) {
        if (!e.awaiting) {
            return;
        }
        e.awaiting = false;
        Exchange prev = e.prevAwaiting;
        Exchange next = e.nextAwaiting;
        if (prev == null) {
            awaitingHead = next;
        } else {
            prev.nextAwaiting = next;
        }
        if (next == null) {
            awaitingTail = prev;
        } else {
            next.prevAwaiting = prev;
        }
        e.prevAwaiting = null;
        e.nextAwaiting = null;
    }

    private void sweep() {
        long now = System.nanoTime();
        Exchange e;
        while ((e = awaitingHead) != null && now - e.deadline >= 0) {
            answered(e);
            e.onTimeout();
        }
        if (now - lastIdleSweep >= TimeUnit.SECONDS.toNanos(1)) {
            lastIdleSweep = now;
            for (Upstream u : proxy.upstreams.all()) {
                ArrayDeque<UpstreamConnection> idle = u.idle(slot);
                UpstreamConnection c;
                // oldest first: connections are taken from and returned to the tail
                while ((c = idle.peekFirst()) != null
                        && (!c.channel.isActive() || now - c.idleSince >= proxy.upstreamIdleNanos)) {
                    idle.pollFirst();
                    c.channel.close();
                }
            }
            List<ClientConnection> idleClients = null;
            for (ClientConnection c : clients) {
                if (c.idleFor(now, ReverseProxy.CLIENT_IDLE_NANOS)) {
                    if (idleClients == null) {
                        idleClients = new ArrayList<>();
                    }
                    idleClients.add(c);
                }
            }
            if (idleClients != null) {
                idleClients.forEach(c -> c.ctx.close());
            }
        }
    }
}

package dev.avalo.router.proxy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import dev.avalo.router.config.RouterConfig;
import dev.avalo.router.metrics.ProxyMetrics;
import dev.avalo.router.route.RouteTable;

/**
 * The embedded data plane, on Netty directly: {@code instances} event loops (epoll when available) accept on one port; each
 * downstream connection lives on one loop, and so does everything it touches — its upstream connections come from that loop's
 * own keep-alive pools, its timeouts from that loop's sweep. No locks, no blocking and no cross-thread hand-off on the request
 * path. Plain Netty, no CDI: {@link ProxyServer} runs it in the application, tests run it directly.
 */
public final class ReverseProxy {

    private static final Logger LOG = Logger.getLogger(ReverseProxy.class);

    /** Downstream connections with no request for this long are closed (nginx's keepalive_timeout is 75 s). */
    static final long CLIENT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(75);

    final RouterConfig.Proxy config;
    final RouteTable table;
    final Upstreams upstreams;
    final long responseTimeoutNanos;
    /** Idle upstream connections are closed after this long ({@code upstream-idle-timeout}). */
    final long upstreamIdleNanos;
    /** Idle keep-alive connections kept per upstream per event loop. */
    final int idlePerLoop;
    private final int instances;
    private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();
    private EventLoopGroup group;
    private DnsAddressResolverGroup resolver;
    private Channel server;
    private volatile int port = -1;

    /**
     * @param instances
     *            event loops to serve on; each records into metric slot 0…instances-1, so at most {@code metrics.slots()}
     */
    public ReverseProxy(RouterConfig.Proxy config, RouteTable table, ProxyMetrics metrics, Clock clock, int instances) {
        if (instances < 1 || instances > metrics.slots()) {
            throw new IllegalArgumentException("instances must be 1.." + metrics.slots() + ", got " + instances);
        }
        if (config.upstreamIdleTimeout().isNegative() || config.upstreamIdleTimeout().isZero()) {
            throw new IllegalArgumentException(
                    "avalo.router.proxy.upstream-idle-timeout must be positive, got " + config.upstreamIdleTimeout());
        }
        this.config = config;
        this.table = table;
        this.instances = instances;
        this.responseTimeoutNanos = config.responseTimeout().toNanos();
        this.upstreamIdleNanos = config.upstreamIdleTimeout().toNanos();
        this.idlePerLoop = Math.max(1, (config.poolSize() + instances - 1) / instances);
        this.upstreams = new Upstreams(config, metrics, clock);
        table.addListener(upstreams::state);
    }

    /** Binds the configured host and port (0: a free port) and returns the bound port. */
    public synchronized int start() throws InterruptedException {
        if (server != null) {
            return port;
        }
        boolean epoll = Epoll.isAvailable();
        DefaultThreadFactory threads = new DefaultThreadFactory("avalo-proxy", true);
        group = epoll ? new EpollEventLoopGroup(instances, threads) : new NioEventLoopGroup(instances, threads);
        Class<? extends DatagramChannel> datagram = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        Class<? extends SocketChannel> socket = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Class<? extends ServerChannel> serverSocket = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // non-blocking name resolution (hosts file, then DNS) for upstreams given by name; IP literals need none
        resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().channelType(datagram));
        int slot = 0;
        for (EventExecutor executor : group) {
            loops.put(executor, new Loop(this, slot++, (EventLoop) executor, socket, resolver));
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverSocket)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Loop loop = loops.get(ch.eventLoop());
                        // few handlers (every handler is a hop for every message); Expect and idle connections are handled
                        // by ClientConnection and the loop's sweep. Requests are read raw (RawRequestDecoder: strict, no header
                        // maps); proxied responses bypass the encoder as raw bytes; the router's own responses (problems,
                        // 100 Continue) go through it.
                        ch.pipeline().addLast(new RawRequestDecoder(), new HttpResponseEncoder(), new ClientConnection(loop));
                    }
                });
        try {
            server = bootstrap.bind(config.host(), config.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            stop();
            throw e;
        }
        loops.values().forEach(Loop::startSweeping);
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return port;
    }

    /**
     * Runs {@code task} every {@code period} on the first event loop, between its I/O batches: for the data plane's own
     * periodic work, such as the per-second metrics sample. On a proxy that has one core, a task on a thread of its own
     * pre-empts the event loop each time it wakes, for longer than the task itself: under load, {@code perf sched} showed the
     * sample on Quarkus' scheduler thread, handed to a worker thread, then jnats' writer and the JIT compiling that
     * once-a-second code for minutes, together taking the core from the event loop for 1–2 ms every second. On the loop it
     * costs its own run time (~0.3 ms a second). A task that throws is logged (as {@code name}) and runs again at the next
     * period.
     *
     * @throws IllegalStateException
     *             when the proxy is not started
     */
    public synchronized void every(String name, Duration period, Runnable task) {
        if (group == null) {
            throw new IllegalStateException("the proxy is not started");
        }
        long millis = period.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("period must be at least 1 ms, got " + period);
        }
        group.iterator().next().scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // a scheduled task that throws is never run again: keep the period
                LOG.errorf(e, "%s failed; it runs again in %d ms", name, millis);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The bound port, or -1 before {@link #start()} completed. */
    public int port() {
        return port;
    }

    /** Closes the listening socket, every connection and the event loops. */
    public synchronized void stop() {
        port = -1;
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            server = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            group = null;
        }
        if (resolver != null) {
            resolver.close();
            resolver = null;
        }
        loops.clear();
    }

    /** Whether the upstream at {@code host:port} is ejected now (false when no route uses it). */
    public boolean isEjected(String host, int port) {
        Upstream u = upstreams.upstream(host, port);
        return u != null && u.isEjected();
    }
}

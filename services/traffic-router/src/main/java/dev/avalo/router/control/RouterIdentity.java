package dev.avalo.router.control;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** This router's id in acks, rejections and metric samples: {@code avalo.router.id}, else the host name. */
public final class RouterIdentity {

    private RouterIdentity() {
    }

    public static String resolve(Optional<String> configured) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get();
        }
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "traffic-router";
        }
    }
}

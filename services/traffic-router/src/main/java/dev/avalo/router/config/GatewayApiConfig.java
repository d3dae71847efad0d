package dev.avalo.router.config;

import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * Settings of the Kubernetes Gateway API backend ({@code avalo.router.gateway-api.*}), read only when
 * {@code avalo.router.backend=gateway-api}. The API server and credentials come from the usual Kubernetes client configuration
 * (in-cluster service account, {@code KUBECONFIG}, {@code ~/.kube/config}).
 */
public interface GatewayApiConfig {

    /** Namespace the {@code HTTPRoute}s (and the revisions' Services) live in; the client's namespace when unset. */
    Optional<String> namespace();

    /** The Gateway the routes attach to. */
    Gateway gateway();

    /** Port of the revisions' Kubernetes Services that the routes send traffic to. */
    @WithDefault("80")
    int backendPort();

    /**
     * Appended to the service name to form the route's host name ({@code chat-api} + {@code example.com} →
     * {@code chat-api.example.com}); the bare service name when unset.
     */
    Optional<String> domainSuffix();

    interface Gateway {
        /** Name of the Gateway; required with the {@code gateway-api} backend. */
        Optional<String> name();

        /** Namespace of the Gateway; the routes' namespace when unset. */
        Optional<String> namespace();
    }
}

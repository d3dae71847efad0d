package dev.avalo.notifier.security;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

import dev.avalo.notifier.problem.ApiException;

/**
 * Builds a {@link Caller} from a verified bearer token: the REST security identity, or a NATS {@code Authorization: Bearer …}
 * header verified with the same key and issuer. Roles are hierarchical: admin ⊇ approver ⊇ deployer ⊇ viewer.
 */
@ApplicationScoped
public class Callers {

    private static final String[] LADDER = {Caller.VIEWER, Caller.DEPLOYER, Caller.APPROVER, Caller.ADMIN};

    private final JWTParser parser;

    public Callers(JWTParser parser) {
        this.parser = parser;
    }

    public Caller of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        return new Caller(identity.getPrincipal().getName(), expand(identity.getRoles()));
    }

    /** Verifies an {@code Authorization} header value from a NATS message. */
    public Caller ofAuthorization(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw ApiException.unauthorized("a bearer token is required in the Authorization header");
        }
        try {
            JsonWebToken jwt = parser.parse(header.substring(7).trim());
            String name = jwt.getName() != null ? jwt.getName() : jwt.getSubject();
            return new Caller(name, expand(jwt.getGroups()));
        } catch (ParseException e) {
            throw ApiException.unauthorized("invalid bearer token");
        }
    }

    static Set<String> expand(Set<String> granted) {
        Set<String> roles = new HashSet<>();
        int top = -1;
        for (int i = 0; i < LADDER.length; i++) {
            if (granted != null && granted.contains(LADDER[i])) {
                top = i;
            }
        }
        for (int i = 0; i <= top; i++) {
            roles.add(LADDER[i]);
        }
        return Set.copyOf(roles);
    }
}

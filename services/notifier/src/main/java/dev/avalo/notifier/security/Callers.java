package dev.avalo.notifier.security;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.SecurityIdentity;

import dev.avalo.notifier.problem.ApiException;

/**
 * Builds a {@link Caller} from the REST security identity (a verified bearer token). Roles are hierarchical: admin ⊇ approver ⊇
 * deployer ⊇ viewer.
 */
@ApplicationScoped
public class Callers {

    private static final String[] LADDER = {Caller.VIEWER, Caller.DEPLOYER, Caller.APPROVER, Caller.ADMIN};

    public Caller of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        return new Caller(identity.getPrincipal().getName(), expand(identity.getRoles()));
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

package dev.avalo.notifier.security;

import java.util.Set;

import dev.avalo.notifier.problem.ApiException;

/** Who is acting and with which roles, from a verified bearer token (REST or NATS header). */
public record Caller(String name, Set<String> roles) {

    public static final String VIEWER = "viewer";
    public static final String DEPLOYER = "deployer";
    public static final String APPROVER = "approver";
    public static final String ADMIN = "admin";

    public boolean has(String role) {
        return roles.contains(role);
    }

    /**
     * @throws ApiException
     *             403 when the role is missing
     */
    public void require(String role) {
        if (!has(role)) {
            throw ApiException.forbidden(name + " lacks the " + role + " role");
        }
    }
}

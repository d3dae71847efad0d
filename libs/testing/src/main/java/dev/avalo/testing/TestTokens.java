package dev.avalo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Signed bearer tokens for tests. One RSA 2048 key pair per JVM; tokens carry the same claims as {@code scripts/token.sh}
 * (cumulative {@code groups}, {@code sub} and {@code upn} = name) but issuer {@value #ISSUER}. Services under test verify them
 * through {@link JwtTestResource}.
 */
public final class TestTokens {

    /** The {@code iss} of every test token. */
    public static final String ISSUER = "avalo-test";

    /** Roles from least to most privileged; each role's groups are itself and every role before it. */
    public static final List<String> ROLES = List.of("viewer", "deployer", "approver", "admin");

    private static final Duration LIFETIME = Duration.ofHours(12);
    private static final KeyPair KEYS = generate();
    private static volatile Path publicKeyFile;

    private TestTokens() {
    }

    /** A token for {@code role} whose subject is the role name itself. */
    public static String token(String role) {
        return token(role, role);
    }

    /** A token for {@code role} with {@code sub} and {@code upn} = {@code name}, valid for 12 hours. */
    public static String token(String role, String name) {
        Instant now = Instant.now();
        return sign(role, name, now, now.plus(LIFETIME));
    }

    /** A correctly signed token for {@code role} that expired an hour ago. */
    public static String expiredToken(String role) {
        Instant now = Instant.now();
        return sign(role, role, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)));
    }

    /** The groups a role gets: {@code deployer} gives {@code [viewer, deployer]}. */
    public static Set<String> groups(String role) {
        int index = ROLES.indexOf(role);
        if (index < 0) {
            throw new IllegalArgumentException("unknown role '" + role + "', expected one of " + ROLES);
        }
        return new LinkedHashSet<>(ROLES.subList(0, index + 1));
    }

    /** The public key as an X.509 SubjectPublicKeyInfo PEM. */
    public static String publicKeyPem() {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(KEYS.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** Writes {@link #publicKeyPem()} to a temporary file (once per JVM) and returns its path. */
    public static Path writePublicKey() {
        Path file = publicKeyFile;
        if (file != null) {
            return file;
        }
        synchronized (TestTokens.class) {
            if (publicKeyFile == null) {
                try {
                    Path created = Files.createTempFile("avalo-test-jwt-", ".pem");
                    Files.writeString(created, publicKeyPem(), StandardCharsets.US_ASCII);
                    created.toFile().deleteOnExit();
                    publicKeyFile = created;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the test JWT public key", e);
                }
            }
            return publicKeyFile;
        }
    }

    private static String sign(String role, String name, Instant issuedAt, Instant expiresAt) {
        Set<String> groups = groups(role);
        return Jwt.issuer(ISSUER)
                .subject(name)
                .upn(name)
                .groups(groups)
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .claim("jti", UUID.randomUUID().toString())
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .sign(KEYS.getPrivate());
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the test RSA key pair", e);
        }
    }
}

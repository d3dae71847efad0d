package dev.avalo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Local bearer tokens exactly as {@code scripts/token.sh} makes them: RS256 with {@code .avalo/keys/private.pem}, header
 * {@code {"alg":"RS256","typ":"JWT"}}, claims {@code iss} ({@value #ISSUER}), {@code sub} and {@code upn} (the name),
 * cumulative {@code groups}, {@code iat}, {@code exp} (12 hours or {@code AVALO_TOKEN_TTL_SECONDS}) and a random {@code jti} of
 * 32 hex digits.
 */
public final class LocalToken {

    /** The issuer the local setup's services verify. */
    public static final String ISSUER = "avalo-local";
    /** Roles from least to most privileged; groups are cumulative. */
    public static final List<String> ROLES = List.of("viewer", "deployer", "approver", "admin");
    /** The default lifetime, as token.sh. */
    public static final long DEFAULT_TTL_SECONDS = 43200;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private LocalToken() {
    }

    /** The groups of {@code role}: {@code deployer} → {@code [viewer, deployer]}. */
    public static List<String> groups(String role) {
        int index = ROLES.indexOf(role);
        if (index < 0) {
            throw new CliException(ExitCodes.USAGE,
                    "unknown role '" + role + "' (expected viewer, deployer, approver or admin)");
        }
        return ROLES.subList(0, index + 1);
    }

    /** The first {@code .avalo/keys/private.pem} in {@code dir} or one of its parents, or null. */
    public static Path findPrivateKey(Path dir) {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(".avalo").resolve("keys").resolve("private.pem");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The token lifetime from {@code AVALO_TOKEN_TTL_SECONDS} (a number of seconds), default 12 hours. */
    public static long ttlSeconds(Context ctx) {
        String ttl = ctx.env("AVALO_TOKEN_TTL_SECONDS");
        if (ttl == null) {
            return DEFAULT_TTL_SECONDS;
        }
        if (!ttl.matches("[0-9]{1,12}")) {
            throw new CliException(ExitCodes.USAGE, "AVALO_TOKEN_TTL_SECONDS must be a number of seconds");
        }
        return Long.parseLong(ttl);
    }

    /** Signs a token for {@code role} and {@code name} with the key found from {@code ctx}'s working directory. */
    public static String sign(Context ctx, String role, String name) {
        List<String> groups = groups(role);
        Path key = findPrivateKey(ctx.cwd());
        if (key == null) {
            throw new CliException(ExitCodes.USAGE, "no token: pass --token or set AVALO_TOKEN, or run in a checkout with a "
                    + "local key pair (.avalo/keys/private.pem, created by scripts/token.sh)");
        }
        return sign(readPrivateKey(key), groups, name, Instant.now().getEpochSecond(), ttlSeconds(ctx));
    }

    static String sign(PrivateKey key, List<String> groups, String name, long now, long ttl) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", ISSUER);
        payload.put("sub", name);
        payload.put("upn", name);
        payload.put("groups", groups);
        payload.put("iat", now);
        payload.put("exp", now + ttl);
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        payload.put("jti", HexFormat.of().formatHex(jti));
        try {
            String signingInput = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64(JSON.writeValueAsBytes(payload));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(signature.sign());
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.FAILED, "cannot sign a token: " + e.getMessage(), e);
        }
    }

    /** Reads a PKCS#8 PEM RSA private key ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} writes). */
    static PrivateKey readPrivateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new CliException(ExitCodes.USAGE, file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(
                    base64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.USAGE, file + " is not a readable RSA private key: " + e.getMessage(), e);
        }
    }

    private static String b64(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }
}

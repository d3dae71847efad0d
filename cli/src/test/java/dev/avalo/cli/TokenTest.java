package dev.avalo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;

/**
 * {@code avalo token} against {@code scripts/token.sh}: the script (a copy, in a temporary checkout) creates the key pair and a
 * token; the CLI, started in a subdirectory, finds the key by walking up and signs a token with the same header and claims,
 * which the public key verifies.
 */
class TokenTest {

    @TempDir
    static Path checkout;
    static Path subdir;
    static String scriptToken;

    @BeforeAll
    static void scriptMakesKeysAndAToken() throws Exception {
        Path script = checkout.resolve("scripts/token.sh");
        Files.createDirectories(script.getParent());
        Files.copy(Path.of("../scripts/token.sh"), script);
        Process p = new ProcessBuilder("bash", script.toString(), "deployer", "alice").redirectError(
                ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        scriptToken = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.exitValue()).isZero();
        assertThat(checkout.resolve(".avalo/keys/private.pem")).exists();
        subdir = Files.createDirectories(checkout.resolve("services/checkout/deep"));
    }

    @Test
    void sameHeaderAndClaimsAsTokenShAndVerifiedByThePublicKey() throws Exception {
        Cli.Result r = new Cli(Map.of(), subdir).run("token", "deployer", "alice");
        assertThat(r.code()).as(r.toString()).isZero();
        String token = r.out().strip();

        String[] ours = token.split("\\.");
        String[] theirs = scriptToken.split("\\.");
        assertThat(ours).hasSize(3);
        assertThat(decode(ours[0])).isEqualTo(decode(theirs[0]));
        JsonNode a = Json.mapper().readTree(decode(ours[1]));
        JsonNode b = Json.mapper().readTree(decode(theirs[1]));
        assertThat(names(a)).isEqualTo(names(b)).containsExactly("iss", "sub", "upn", "groups", "iat", "exp", "jti");
        for (String claim : List.of("iss", "sub", "upn", "groups")) {
            assertThat(a.get(claim)).as(claim).isEqualTo(b.get(claim));
        }
        assertThat(a.get("iss").asText()).isEqualTo("avalo-local");
        assertThat(a.get("exp").asLong() - a.get("iat").asLong()).isEqualTo(43200);
        assertThat(a.get("jti").asText()).matches("[0-9a-f]{32}").isNotEqualTo(b.get("jti").asText());
        assertThat(Math.abs(a.get("iat").asLong() - b.get("iat").asLong())).isLessThan(120);

        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey(checkout.resolve(".avalo/keys/public.pem")));
        verifier.update((ours[0] + "." + ours[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(ours[2]))).isTrue();
    }

    @Test
    void rolesAreCumulativeNameDefaultsToTheRoleAndTtlComesFromTheEnvironment() throws Exception {
        Cli.Result r = new Cli(Map.of("AVALO_TOKEN_TTL_SECONDS", "60"), checkout).run("token", "approver");
        assertThat(r.code()).as(r.toString()).isZero();
        JsonNode claims = Json.mapper().readTree(decode(r.out().strip().split("\\.")[1]));
        assertThat(claims.get("groups").toString()).isEqualTo("[\"viewer\",\"deployer\",\"approver\"]");
        assertThat(claims.get("sub").asText()).isEqualTo("approver");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(60);

        Cli.Result bad = new Cli(Map.of("AVALO_TOKEN_TTL_SECONDS", "an hour"), checkout).run("token", "viewer");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("AVALO_TOKEN_TTL_SECONDS");
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static PublicKey publicKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}

package dev.avalo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

class TestTokensTest {

    @Test
    void tokenVerifiesWithThePublishedKeyAndCarriesTheClaims() throws Exception {
        JwtClaims claims = consumer().processToClaims(TestTokens.token("deployer", "alice"));

        assertThat(claims.getIssuer()).isEqualTo("avalo-test");
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaimValue("upn")).isEqualTo("alice");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("viewer", "deployer");
        assertThat(claims.getJwtId()).isNotBlank();
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        assertThat(lifetime).isEqualTo(12 * 3600);
    }

    @Test
    void groupsAreCumulative() throws Exception {
        assertThat(groups("viewer")).containsExactly("viewer");
        assertThat(groups("deployer")).containsExactly("viewer", "deployer");
        assertThat(groups("approver")).containsExactly("viewer", "deployer", "approver");
        assertThat(groups("admin")).containsExactly("viewer", "deployer", "approver", "admin");
    }

    @Test
    void nameDefaultsToRoleAndTokensAreUnique() throws Exception {
        JwtClaims first = consumer().processToClaims(TestTokens.token("approver"));
        JwtClaims second = consumer().processToClaims(TestTokens.token("approver"));

        assertThat(first.getSubject()).isEqualTo("approver");
        assertThat(first.getJwtId()).isNotEqualTo(second.getJwtId());
    }

    @Test
    void expiredTokenIsRejected() {
        assertThatThrownBy(() -> consumer().processToClaims(TestTokens.expiredToken("viewer")))
                .isInstanceOf(InvalidJwtException.class)
                .satisfies(e -> assertThat(((InvalidJwtException) e).hasExpired()).isTrue());
    }

    @Test
    void unknownRoleIsRejected() {
        assertThatThrownBy(() -> TestTokens.token("root")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publicKeyFileIsWrittenOnce() throws Exception {
        assertThat(TestTokens.writePublicKey()).isSameAs(TestTokens.writePublicKey());
        assertThat(Files.readString(TestTokens.writePublicKey())).isEqualTo(TestTokens.publicKeyPem());
        assertThat(new JwtTestResource().start())
                .containsEntry("mp.jwt.verify.issuer", "avalo-test")
                .containsEntry("mp.jwt.verify.publickey.location", TestTokens.writePublicKey().toAbsolutePath().toString());
    }

    private static java.util.List<String> groups(String role) throws Exception {
        return consumer().processToClaims(TestTokens.token(role)).getStringListClaimValue("groups");
    }

    private static JwtConsumer consumer() throws Exception {
        String base64 = TestTokens.publicKeyPem()
                .replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        return new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setExpectedIssuer("avalo-test")
                .setRequireExpirationTime()
                .setRequireSubject()
                .build();
    }
}

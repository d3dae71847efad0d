package dev.avalo.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Makes the service under test verify {@link TestTokens}: points {@code mp.jwt.verify.publickey.location} at the per-JVM test
 * public key and expects issuer {@value TestTokens#ISSUER}.
 */
public class JwtTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey().toAbsolutePath().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
    }

    @Override
    public void stop() {
        // the key file is deleted on JVM exit
    }
}

package dev.avalo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Runs against the real local PostgreSQL ({@code scripts/dev-infra.sh up}). */
class PostgresTestResourceTest {

    @Test
    void createsAFreshDatabaseAndDropsItOnStop() throws SQLException {
        PostgresTestResource resource = new PostgresTestResource();
        Map<String, String> config = resource.start();
        String url = config.get("quarkus.datasource.jdbc.url");
        String database = resource.database();

        assertThat(database).matches("avalo_t_[a-z0-9]{12}");
        assertThat(url).endsWith("/" + database).isEqualTo(PostgresTestResource.jdbcUrl());
        assertThat(config).containsEntry("quarkus.datasource.username", PostgresTestResource.username())
                .containsEntry("quarkus.datasource.password", PostgresTestResource.password());
        Connection held;
        try (Connection connection = DriverManager.getConnection(url, PostgresTestResource.username(),
                PostgresTestResource.password());
                ResultSet rs = connection.createStatement().executeQuery("select current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(database);
        }
        // an open connection must not prevent the drop
        held = DriverManager.getConnection(url, PostgresTestResource.username(), PostgresTestResource.password());

        resource.stop();

        assertThat(databaseExists(database)).isFalse();
        assertThatThrownBy(PostgresTestResource::jdbcUrl).isInstanceOf(IllegalStateException.class);
        held.close();
    }

    @Test
    void replacesOnlyTheDatabaseInTheUrl() {
        assertThat(PostgresTestResource.withDatabase("jdbc:postgresql://db:6543/avalo?sslmode=disable", "x"))
                .isEqualTo("jdbc:postgresql://db:6543/x?sslmode=disable");
        assertThat(PostgresTestResource.withDatabase("jdbc:postgresql://db", "x")).isEqualTo("jdbc:postgresql://db/x");
    }

    private static boolean databaseExists(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                RandomIds.env("AVALO_TEST_PG_URL", PostgresTestResource.DEFAULT_URL),
                PostgresTestResource.username(), PostgresTestResource.password());
                var statement = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }
}

package dev.avalo.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the test class its own, empty database on the real local PostgreSQL (no Dev Services): creates {@code avalo_t_<random>}
 * through the admin connection and drops it again in {@link #stop()}.
 * <p>
 * The admin connection is {@code jdbc:postgresql://127.0.0.1:5432/avalo} as {@code avalo}/{@code avalo} (a role with CREATEDB,
 * see {@code scripts/dev-infra.sh}); override with {@code AVALO_TEST_PG_URL}, {@code AVALO_TEST_PG_USER} and
 * {@code AVALO_TEST_PG_PASSWORD}.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    /** Default admin JDBC URL. */
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/avalo";

    private static volatile String currentJdbcUrl;

    private String adminUrl;
    private String user;
    private String password;
    private String database;

    @Override
    public Map<String, String> start() {
        adminUrl = RandomIds.env("AVALO_TEST_PG_URL", DEFAULT_URL);
        user = RandomIds.env("AVALO_TEST_PG_USER", "avalo");
        password = RandomIds.env("AVALO_TEST_PG_PASSWORD", "avalo");
        database = "avalo_t_" + RandomIds.lowercaseAlnum(12);
        execute("CREATE DATABASE " + database);
        String url = withDatabase(adminUrl, database);
        currentJdbcUrl = url;
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }

    @Override
    public void stop() {
        if (database == null) {
            return;
        }
        execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        String dropped = withDatabase(adminUrl, database);
        if (dropped.equals(currentJdbcUrl)) {
            currentJdbcUrl = null;
        }
        database = null;
    }

    /** The JDBC URL of the database created by the most recently started resource in this JVM. */
    public static String jdbcUrl() {
        String url = currentJdbcUrl;
        if (url == null) {
            throw new IllegalStateException("no PostgresTestResource is running");
        }
        return url;
    }

    /** The user for {@link #jdbcUrl()}. */
    public static String username() {
        return RandomIds.env("AVALO_TEST_PG_USER", "avalo");
    }

    /** The password for {@link #jdbcUrl()}. */
    public static String password() {
        return RandomIds.env("AVALO_TEST_PG_PASSWORD", "avalo");
    }

    /** The name of the database this resource created, null when not started. */
    public String database() {
        return database;
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL test resource failed on '" + sql + "' at " + adminUrl
                    + " (is PostgreSQL up? run scripts/dev-infra.sh up)", e);
        }
    }

    /** Replaces the database path segment of a {@code jdbc:postgresql://host:port/db?params} URL. */
    static String withDatabase(String url, String database) {
        String prefix = "jdbc:postgresql://";
        if (!url.startsWith(prefix)) {
            throw new IllegalArgumentException("not a jdbc:postgresql:// URL: " + url);
        }
        int hostStart = prefix.length();
        int query = url.indexOf('?', hostStart);
        String params = query < 0 ? "" : url.substring(query);
        String base = query < 0 ? url : url.substring(0, query);
        int slash = base.indexOf('/', hostStart);
        String hostPart = slash < 0 ? base : base.substring(0, slash);
        return hostPart + "/" + database + params;
    }
}

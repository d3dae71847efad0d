package dev.avalo.notifier.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.postgresql.util.PGobject;

import dev.avalo.contracts.Json;

/**
 * Thin JDBC helper. {@link #tx} runs its work on one connection in one transaction (every call inside it joins), so the rows of
 * a batch of events, or a batch of outcomes with their dead-letter notices, commit together or not at all. Parameters:
 * {@link Instant} → timestamptz, {@link JsonValue} → jsonb. Plain class: the service wraps the Agroal data source, tests any
 * {@link DataSource}.
 */
public class Jdbc {

    /** Marks a parameter to be stored as jsonb. */
    public record JsonValue(Object value) {
    }

    /** Maps one row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static JsonValue json(Object value) {
        return new JsonValue(value);
    }

    /** Runs {@code work} in one transaction; nested calls join the outer one. */
    public <T> T tx(Supplier<T> work) {
        if (current.get() != null) {
            return work.get();
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            current.set(c);
            try {
                T result = work.get();
                c.commit();
                return result;
            } catch (RuntimeException | Error e) {
                c.rollback();
                throw e;
            } finally {
                current.remove();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new DataAccessException("transaction", e);
        }
    }

    public int update(String sql, Object... params) {
        return withConnection(sql, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                return ps.executeUpdate();
            }
        });
    }

    /** Runs {@code sql} once per parameter row as one JDBC batch; returns the update counts. */
    public int[] batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return new int[0];
        }
        return withConnection(sql, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    bind(ps, row);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return withConnection(sql, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    List<T> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                    return out;
                }
            }
        });
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(String sql, SqlWork<T> work) {
        Connection joined = current.get();
        try {
            if (joined != null) {
                return work.run(joined);
            }
            try (Connection c = dataSource.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int at = i + 1;
            if (p == null) {
                ps.setNull(at, Types.NULL);
            } else if (p instanceof String[] array) {
                ps.setArray(at, ps.getConnection().createArrayOf("text", array));
            } else if (p instanceof Instant instant) {
                ps.setTimestamp(at, Timestamp.from(instant));
            } else if (p instanceof JsonValue j) {
                if (j.value() == null) {
                    ps.setNull(at, Types.OTHER);
                } else {
                    PGobject o = new PGobject();
                    o.setType("jsonb");
                    o.setValue(new String(Json.encode(j.value()), StandardCharsets.UTF_8));
                    ps.setObject(at, o);
                }
            } else {
                ps.setObject(at, p);
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** A database failure, with the statement that failed. SQLState 23505 is a unique violation. */
    public static class DataAccessException extends RuntimeException {
        private final String sqlState;

        public DataAccessException(String sql, SQLException e) {
            super(e.getMessage() + " [" + sql.strip().split("\n")[0] + "]", e);
            this.sqlState = e.getSQLState();
        }

        public boolean isUniqueViolation() {
            return "23505".equals(sqlState);
        }
    }
}

package dev.avalo.orchestrator.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.postgresql.util.PGobject;

import dev.avalo.contracts.Json;

/**
 * Thin JDBC helper over the Agroal data source; inside a JTA transaction every call uses the transaction's connection.
 * Parameters: {@link Instant} → timestamptz, {@link JsonValue} → jsonb, {@link UUID} → uuid.
 */
@ApplicationScoped
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

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static JsonValue json(Object value) {
        return new JsonValue(value);
    }

    /** Statements queued by {@link #batched}: SQL → parameter rows, in first-seen order, and which must hit a row. */
    private static final class Batch {
        final Map<String, List<Object[]>> rows = new LinkedHashMap<>();
        final Set<String> mustHit = new HashSet<>();
    }

    private static final ThreadLocal<Batch> BATCH = new ThreadLocal<>();

    /**
     * Runs {@code work} with every {@link #update} and {@link #updateOne} queued, then sends them as JDBC batches (one round
     * trip per distinct statement instead of one per row). Reads still run at once, so {@code work} must not read what it
     * wrote; {@link #updateOne}'s row check happens at the flush and fails the whole transaction.
     */
    public <T> T batched(Supplier<T> work) {
        if (BATCH.get() != null) {
            return work.get();
        }
        Batch batch = new Batch();
        BATCH.set(batch);
        try {
            T result = work.get();
            flush(batch);
            return result;
        } finally {
            BATCH.remove();
        }
    }

    private void flush(Batch batch) {
        try (Connection c = dataSource.getConnection()) {
            for (Map.Entry<String, List<Object[]>> e : batch.rows.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(e.getKey())) {
                    for (Object[] params : e.getValue()) {
                        bind(ps, params);
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    if (batch.mustHit.contains(e.getKey())) {
                        for (int n : counts) {
                            if (n == 0) {
                                throw new IllegalStateException("a batched conditional update hit no row ["
                                        + e.getKey().strip().split("\n")[0] + "]");
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new DataAccessException("batch", e);
        }
    }

    /**
     * An update that must change one row (an optimistic-version check); false when it did not. Inside {@link #batched} it is
     * checked at the flush instead.
     */
    public boolean updateOne(String sql, Object... params) {
        Batch batch = BATCH.get();
        if (batch != null) {
            batch.rows.computeIfAbsent(sql, k -> new ArrayList<>()).add(params);
            batch.mustHit.add(sql);
            return true;
        }
        return update(sql, params) == 1;
    }

    public int update(String sql, Object... params) {
        Batch batch = BATCH.get();
        if (batch != null) {
            batch.rows.computeIfAbsent(sql, k -> new ArrayList<>()).add(params);
            return 1;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int at = i + 1;
            if (p == null) {
                ps.setNull(at, Types.NULL);
            } else if (p instanceof Instant instant) {
                ps.setTimestamp(at, Timestamp.from(instant));
            } else if (p instanceof JsonValue j) {
                if (j.value() == null) {
                    ps.setNull(at, Types.OTHER);
                } else {
                    PGobject o = new PGobject();
                    o.setType("jsonb");
                    o.setValue(new String(Json.encode(j.value()), java.nio.charset.StandardCharsets.UTF_8));
                    ps.setObject(at, o);
                }
            } else if (p instanceof Enum<?> e) {
                ps.setString(at, e.name());
            } else {
                ps.setObject(at, p);
            }
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    public static <T> T json(ResultSet rs, String column, Class<T> type) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : Json.decode(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    public static <T> T json(ResultSet rs, String column, com.fasterxml.jackson.core.type.TypeReference<T> type)
            throws SQLException {
        String s = rs.getString(column);
        if (s == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(s, type);
        } catch (java.io.IOException e) {
            throw new SQLException("bad json in " + column, e);
        }
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

package dev.avalo.orchestrator.strategy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.avalo.orchestrator.db.Jdbc;

/** Strategies as data, seeded from the strategy document. */
@ApplicationScoped
public class StrategyStore {

    private final Jdbc jdbc;

    public StrategyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the defaults that are missing; never overwrites an admin's edit. */
    public void seed(List<Strategy> defaults, Instant now) {
        for (Strategy s : defaults) {
            jdbc.update("insert into strategy (environment, body, updated_by, updated_at) values (?,?,?,?) "
                    + "on conflict do nothing", s.environment(), Jdbc.json(s), "seed", now);
        }
    }

    public Optional<Strategy> find(String environment) {
        return jdbc.one("select body from strategy where environment = ?", rs -> Jdbc.json(rs, "body", Strategy.class),
                environment);
    }

    public List<Strategy> list() {
        return jdbc.query("select body from strategy order by environment", rs -> Jdbc.json(rs, "body", Strategy.class));
    }

    public void save(Strategy s, String actor, Instant now) {
        jdbc.update("insert into strategy (environment, body, updated_by, updated_at) values (?,?,?,?) "
                + "on conflict (environment) do update set body = excluded.body, updated_by = excluded.updated_by, "
                + "updated_at = excluded.updated_at", s.environment(), Jdbc.json(s), actor, now);
    }
}

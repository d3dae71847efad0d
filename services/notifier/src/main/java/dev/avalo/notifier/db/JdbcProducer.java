package dev.avalo.notifier.db;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The JDBC helper over the Agroal data source. */
@ApplicationScoped
public class JdbcProducer {

    @Produces
    @ApplicationScoped
    Jdbc jdbc(DataSource dataSource) {
        return new Jdbc(dataSource);
    }
}

package dev.avalo.orchestrator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Orchestrator settings ({@code avalo.orchestrator.*}). */
@ConfigMapping(prefix = "avalo.orchestrator")
public interface OrchestratorConfig {

    /** This instance's id in logs and events; a random one when unset. */
    Optional<String> instanceId();

    /** Every strategy duration is divided by this (demos and tests run a 15-minute stage in seconds). */
    @WithDefault("1")
    double durationScale();

    /** Health report handling. */
    Health health();

    /** Schedule checks against the scheduler. */
    Schedule schedule();

    /** Deadline sweeper. */
    Sweep sweep();

    /** Outbox publisher. */
    Outbox outbox();

    /** Rollback confirmation. */
    Rollback rollback();

    /** Deployment gauges (canary weight, stage, live) for the dashboards. */
    Gauges gauges();

    interface Gauges {
        /** How often they are read from the database ({@code off} in tests, which refresh by hand). */
        @WithDefault("5s")
        String every();
    }

    interface Health {
        /** No usable report for this long raises a warning and holds the stage. */
        @WithDefault("2m")
        Duration warnAfter();

        /** No usable report for this long pauses the deployment. */
        @WithDefault("10m")
        Duration pauseAfter();

        /** Score at or above which a stage may be promoted. */
        @WithDefault("90")
        double proceedAt();

        /** Score at or above which the stage keeps monitoring. */
        @WithDefault("80")
        double continueAt();

        /** Score at or above which the deployment pauses; below it rolls back. */
        @WithDefault("70")
        double pauseAt();
    }

    interface Schedule {
        /** Ask the scheduler at all (off only for isolated development). */
        @WithDefault("true")
        boolean enabled();

        /** How long to wait for the scheduler's answer. */
        @WithDefault("2s")
        Duration timeout();

        /** Environments allowed to go on when the scheduler does not answer; all others are blocked. */
        @WithDefault("development")
        List<String> failOpenEnvironments();
    }

    interface Sweep {
        /** How often due deadlines are swept. */
        @WithDefault("1s")
        String every();

        /** Deadlines taken per sweep transaction. */
        @WithDefault("200")
        int batch();
    }

    interface Outbox {
        /** How often the outbox is drained as a safety net (it is drained right after each commit anyway). */
        @WithDefault("1s")
        String every();

        /** Rows published per batch. */
        @WithDefault("500")
        int batch();
    }

    interface Rollback {
        /** How long a rollback waits for a router ack before it is marked rolled back with a warning. */
        @WithDefault("30s")
        Duration ackTimeout();
    }
}

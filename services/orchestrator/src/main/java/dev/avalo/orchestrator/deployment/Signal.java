package dev.avalo.orchestrator.deployment;

import java.util.List;

import dev.avalo.contracts.health.HealthReport;

/** Something that may move a deployment: a person's action, a health report, a router ack, time passing. */
public sealed interface Signal {

    /** Who caused it; {@code system} for automatic signals. */
    String actor();

    /** Start the first stage; {@code emergency} (or null) is the schedule override it was started with. */
    record Start(String actor, dev.avalo.contracts.schedule.Emergency emergency) implements Signal {

        public Start(String actor) {
            this(actor, null);
        }
    }

    /** A health report for the deployment's canary revision. */
    record Health(HealthReport report) implements Signal {
        public String actor() {
            return "system";
        }
    }

    /** Time passed: deadlines may be due. */
    record Tick() implements Signal {
        public String actor() {
            return "system";
        }
    }

    /** A router applied a route generation. */
    record RouterAck(String routerId, long generation) implements Signal {
        public String actor() {
            return "router:" + routerId;
        }
    }

    /** Move to the next stage now (deployer). */
    record Promote(String actor, String reason) implements Signal {
    }

    /** Approve a deployment waiting for approval (approver). */
    record Approve(String actor, String reason) implements Signal {
    }

    record Pause(String actor, String reason) implements Signal {
    }

    record Resume(String actor, String reason) implements Signal {
    }

    /**
     * Manual rollback; {@code forced} when an approver passed {@code force: true} for a rollback-unsafe deployment.
     */
    record Rollback(String actor, RollbackMode mode, String revision, String reason, boolean forced) implements Signal {
    }

    record Abort(String actor, String reason, boolean forced) implements Signal {
    }

    /** Halt and revert, part of an emergency stop of every live deployment (approver). */
    record EmergencyStop(String actor, String reason) implements Signal {
    }

    /** The scheduler refused the promotion a previous decision asked for. */
    record ScheduleBlocked(String actor, List<String> reasons) implements Signal {
    }
}

package dev.avalo.scheduler.it;

import dev.avalo.contracts.schedule.ScheduleCheckReply;

/**
 * What the orchestrator does with a reply (services/orchestrator DeploymentStarter, which the scheduler may not depend on): a
 * start the schedule does not allow is refused with 423 Locked carrying the reasons; an allowed one goes on (201).
 */
final class OrchestratorGate {

    private OrchestratorGate() {
    }

    static int statusFor(ScheduleCheckReply reply) {
        return reply.allowed() ? 201 : 423;
    }
}

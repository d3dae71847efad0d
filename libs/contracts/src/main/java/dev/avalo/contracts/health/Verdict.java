package dev.avalo.contracts.health;

/** A health verdict, ordered best to worst. */
public enum Verdict {
    /** Healthy, stage time elapsed and every gate passes: go to the next stage. */
    PROCEED,
    /** Healthy enough: keep monitoring in this stage. */
    CONTINUE,
    /** Not enough data to judge: hold the stage. */
    INSUFFICIENT_DATA,
    /** Degraded: pause the deployment. */
    PAUSE,
    /** Critical or a rollback rule breached: roll back. */
    ROLLBACK
}

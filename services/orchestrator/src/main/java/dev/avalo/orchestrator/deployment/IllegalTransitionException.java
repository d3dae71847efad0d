package dev.avalo.orchestrator.deployment;

/** A manual action that the deployment's phase does not allow: a 409 problem. */
public class IllegalTransitionException extends RuntimeException {
    public IllegalTransitionException(String message) {
        super(message);
    }
}

package dev.avalo.orchestrator.deployment;

/** A rollback or abort of a deployment that carried a contract migration, without force: a 409 problem. */
public class RollbackUnsafeException extends IllegalTransitionException {
    public RollbackUnsafeException(String message) {
        super(message);
    }
}

package dev.avalo.cli;

/** The exit codes scripts can rely on; cli/README.md documents them. */
public final class ExitCodes {

    /** Done: the call succeeded, the awaited state was reached, the schedule allows. */
    public static final int OK = 0;
    /**
     * Failed: the server refused (400, 401, 403, 409, 422, 5xx), could not be reached, or the deployment ended in a bad state.
     */
    public static final int FAILED = 1;
    /** Usage: bad or missing arguments or configuration (no token, bad key file); nothing was sent. */
    public static final int USAGE = 2;
    /** Not found: 404, or no live deployment for {@code --service}/{@code --env}. */
    public static final int NOT_FOUND = 3;
    /** Blocked by the schedule: 423 from a start, or {@code schedule check} says not allowed. */
    public static final int BLOCKED = 4;
    /** Timed out waiting (watch, rollback ack, emergency stop). */
    public static final int TIMEOUT = 5;

    private ExitCodes() {
    }

    /** The exit code of an HTTP error status. */
    public static int ofStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 423 -> BLOCKED;
            default -> FAILED;
        };
    }
}

package dev.avalo.notifier.channel;

import java.time.Duration;

/** The outcome of one attempt: delivered, retry later (transient or told when), or never (permanent). */
public sealed interface SendResult {

    /** A short description safe to store and show: a status code and the provider's reason, never a secret. */
    String detail();

    /** Accepted by the provider. */
    record Delivered(String detail) implements SendResult {
    }

    /** Failed in a way that may pass on a later attempt: timeout, connection refused, 5xx, 408. */
    record Transient(String detail) implements SendResult {
    }

    /** The provider asked to wait (429 with {@code Retry-After}): the whole channel waits, then this is retried. */
    record RetryAfter(Duration delay, String detail) implements SendResult {
    }

    /** Refused for good (4xx other than 408 and 429, bad address …): dead-lettered, never retried. */
    record Permanent(String detail) implements SendResult {
    }

    static SendResult delivered(String detail) {
        return new Delivered(detail);
    }

    static SendResult transientFailure(String detail) {
        return new Transient(detail);
    }

    static SendResult permanent(String detail) {
        return new Permanent(detail);
    }

    static SendResult retryAfter(Duration wait, String detail) {
        return new RetryAfter(wait, detail);
    }

    /**
     * Classifies an HTTP status: 2xx delivered; 429 retry after {@code retryAfter} (or {@code fallback} when the header is
     * missing); 408, 425 and 5xx transient; any other 4xx (and 1xx/3xx) permanent.
     */
    static SendResult ofHttpStatus(int status, Duration retryAfter, Duration fallback, String detail) {
        if (status >= 200 && status < 300) {
            return delivered(detail);
        }
        if (status == 429) {
            return retryAfter(retryAfter != null ? retryAfter : fallback, detail);
        }
        if (status == 408 || status == 425 || status >= 500) {
            return transientFailure(detail);
        }
        return permanent(detail);
    }
}

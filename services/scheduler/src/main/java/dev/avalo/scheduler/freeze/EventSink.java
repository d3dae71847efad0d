package dev.avalo.scheduler.freeze;

/** Publishes one CloudEvent durably (JetStream {@code AVALO_EVENTS}); throws when it could not. */
public interface EventSink {

    /**
     * @param subject
     *            the NATS subject
     * @param type
     *            the CloudEvent {@code type}
     * @param id
     *            the CloudEvent {@code id}, also the dedup key
     * @param eventSubject
     *            the CloudEvent {@code subject}
     * @param data
     *            the {@code data}, encoded as JSON
     */
    void publish(String subject, String type, String id, String eventSubject, Object data);
}

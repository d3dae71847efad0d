package dev.avalo.contracts;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;

/**
 * The CloudEvents 1.0 envelope in structured JSON mode, via the CloudEvents SDK. {@code id} is unique and is the dedup key (it
 * is also sent as the JetStream {@code Nats-Msg-Id}).
 */
public final class CloudEvents {

    /** The structured JSON content type. */
    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    private static final EventFormat FORMAT = new JsonFormat();

    private CloudEvents() {
    }

    /** Builds and serialises an event whose {@code data} is {@code data} as JSON. */
    public static byte[] encode(String id, URI source, String type, String subject, Instant time, Object data) {
        CloudEvent event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(source)
                .withType(type)
                .withSubject(subject)
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(Json.encode(data))
                .build();
        return FORMAT.serialize(event);
    }

    /** Parses a structured-mode event. */
    public static CloudEvent decode(byte[] bytes) {
        return FORMAT.deserialize(bytes);
    }

    /** The event's {@code data} decoded as {@code type}. */
    public static <T> T data(CloudEvent event, Class<T> type) {
        if (event.getData() == null) {
            throw new IllegalArgumentException("event " + event.getId() + " has no data");
        }
        return Json.decode(event.getData().toBytes(), type);
    }
}

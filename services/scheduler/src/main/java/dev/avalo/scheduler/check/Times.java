package dev.avalo.scheduler.check;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

import dev.avalo.scheduler.problem.ValidationException;

/** Parses the dates people type: an instant with offset, a zoned date-time, or a local date(-time) in a given zone. */
public final class Times {

    private Times() {
    }

    /**
     * @throws ValidationException
     *             naming {@code field} when the value is not a date
     */
    public static Instant parse(String field, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, "is required");
        }
        String v = value.trim();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return ZonedDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDateTime.parse(v).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDate.parse(v).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new ValidationException(field, "is not an ISO-8601 date or date-time: '" + value + "'");
        }
    }

    /**
     * @throws ValidationException
     *             naming {@code field} when the zone is unknown
     */
    public static ZoneId zone(String field, String value, ZoneId fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new ValidationException(field, "is not a known time zone: '" + value + "'");
        }
    }
}

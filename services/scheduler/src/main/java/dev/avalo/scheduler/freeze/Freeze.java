package dev.avalo.scheduler.freeze;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import dev.avalo.contracts.schedule.ActiveFreeze;

/**
 * A period in which production may not change.
 *
 * @param id
 *            stable id ({@code holiday-2026-12-25}, {@code bfcm-2026}, a UUID for ad-hoc freezes, {@code incident-<id>})
 * @param name
 *            what people see
 * @param kind
 *            {@code holiday}, {@code business-event}, {@code ad-hoc} or {@code incident}
 * @param startsAt
 *            start, inclusive
 * @param endsAt
 *            end, exclusive; null while open-ended (an unresolved incident)
 * @param reason
 *            why, may be null
 * @param environments
 *            environments it applies to; empty means every environment whose policy takes this kind of freeze
 * @param services
 *            services it applies to; empty means all
 * @param declaredBy
 *            who declared it; null for calendar freezes
 */
public record Freeze(String id, String name, String kind, Instant startsAt, Instant endsAt, String reason,
        Set<String> environments, Set<String> services, String declaredBy) {

    public static final String HOLIDAY = "holiday";
    public static final String BUSINESS_EVENT = "business-event";
    public static final String AD_HOC = "ad-hoc";
    public static final String INCIDENT = "incident";

    public Freeze {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startsAt, "startsAt");
        environments = environments == null ? Set.of() : Set.copyOf(environments);
        services = services == null ? Set.of() : Set.copyOf(services);
    }

    /** Whether it is in force at {@code t}. */
    public boolean activeAt(Instant t) {
        return !t.isBefore(startsAt) && (endsAt == null || t.isBefore(endsAt));
    }

    /** Whether it overlaps [from, to). */
    public boolean overlaps(Instant from, Instant to) {
        return startsAt.isBefore(to) && (endsAt == null || endsAt.isAfter(from));
    }

    /** Whether it applies to {@code service} (null: any) in {@code environment}. */
    public boolean appliesTo(String service, String environment) {
        return (environments.isEmpty() || environments.contains(environment))
                && (services.isEmpty() || service == null || services.contains(service));
    }

    /** The wire view. */
    public ActiveFreeze view() {
        return new ActiveFreeze(id, name, kind, startsAt, endsAt);
    }
}

package dev.avalo.scheduler.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.scheduler.check.ScheduleEvaluator;
import dev.avalo.scheduler.freeze.FreezeCalendar;
import dev.avalo.scheduler.window.EnvironmentPolicy;
import dev.avalo.scheduler.window.Policies;

/** Builds the plain domain objects from configuration; a bad setting fails the start, naming the key. */
@ApplicationScoped
public class DomainProducer {

    @Produces
    @ApplicationScoped
    Policies policies(SchedulerConfig config) {
        Map<String, EnvironmentPolicy> out = new HashMap<>();
        config.environments().forEach((name, env) -> {
            String key = "avalo.scheduler.environments." + name;
            DnsLabel.require("environment", name);
            out.put(name, new EnvironmentPolicy(name, Policies.zone(key + ".zone", env.zone()),
                    Set.copyOf(env.preferredDays().orElse(java.util.List.of())),
                    Policies.time(key + ".preferred-start", env.preferredStart()),
                    Policies.time(key + ".preferred-end", env.preferredEnd()),
                    Set.copyOf(env.avoidDays().orElse(java.util.List.of())),
                    env.lateNight().filter(s -> !s.isBlank()).map(s -> Policies.range(key + ".late-night", s)),
                    env.avoidHolidays(), env.calendarFreezes(), env.incidentFreezes()));
        });
        return new Policies(out);
    }

    @Produces
    @ApplicationScoped
    FreezeCalendar freezeCalendar(SchedulerConfig config) {
        return new FreezeCalendar(config.holidays().country(),
                Policies.zone("avalo.scheduler.holidays.zone", config.holidays().zone()),
                Set.copyOf(config.holidays().major()), config.holidays().blackFridayCyberMonday());
    }

    @Produces
    @ApplicationScoped
    ScheduleEvaluator evaluator(FreezeCalendar calendar) {
        return new ScheduleEvaluator(calendar);
    }
}

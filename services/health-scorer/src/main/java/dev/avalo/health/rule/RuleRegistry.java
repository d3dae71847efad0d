package dev.avalo.health.rule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.avalo.contracts.DnsLabel;

/**
 * The default rules and each service's overrides. Overrides are validated as a whole before they replace the old ones: ids must
 * be DNS-label-like and unique, expressions must parse, a new rule needs a description. Held in memory.
 */
public final class RuleRegistry {

    private final RuleParser parser;
    private final List<RuleDefinition> defaults;
    private final Map<String, List<RuleOverride>> overrides = new ConcurrentHashMap<>();
    private final Map<String, List<RuleDefinition>> effective = new ConcurrentHashMap<>();

    public RuleRegistry(RuleParser parser) {
        this.parser = parser;
        this.defaults = DefaultRules.all(parser);
    }

    public List<RuleDefinition> defaults() {
        return defaults;
    }

    /** The rules that apply to a service in an environment: the defaults with its overrides applied. */
    public List<RuleDefinition> effective(String service, String environment) {
        return effective.getOrDefault(key(service, environment), defaults);
    }

    /** The overrides of a service, empty when it uses the defaults. */
    public List<RuleOverride> overrides(String service, String environment) {
        return overrides.getOrDefault(key(service, environment), List.of());
    }

    /** Every service with overrides, by {@code <service>.<env>}. */
    public Map<String, List<RuleOverride>> allOverrides() {
        return Map.copyOf(overrides);
    }

    /**
     * Validates and replaces a service's overrides; an empty list returns it to the defaults.
     *
     * @return the effective rules
     * @throws InvalidRuleException
     *             naming every invalid field
     */
    public List<RuleDefinition> replace(String service, String environment, List<RuleOverride> rules) {
        DnsLabel.require("service", service);
        DnsLabel.require("environment", environment);
        List<InvalidRuleException.FieldError> errors = new ArrayList<>();
        if (rules == null) {
            throw new InvalidRuleException(List.of(new InvalidRuleException.FieldError("rules", "a list is required")));
        }
        Map<String, RuleDefinition> byId = new LinkedHashMap<>();
        defaults.forEach(d -> byId.put(d.id(), d));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            RuleOverride o = rules.get(i);
            String at = "rules[" + i + "]";
            if (o == null) {
                errors.add(new InvalidRuleException.FieldError(at, "must be an object"));
                continue;
            }
            if (o.id() == null || !o.id().matches(RuleDefinition.ID_PATTERN)) {
                errors.add(new InvalidRuleException.FieldError(at + ".id",
                        "must match " + RuleDefinition.ID_PATTERN + ", got " + (o.id() == null
                                ? "nothing"
                                : "'" + o.id()
                                        + "'")));
                continue;
            }
            if (!seen.add(o.id())) {
                errors.add(new InvalidRuleException.FieldError(at + ".id", "duplicate rule id '" + o.id() + "'"));
                continue;
            }
            if (Boolean.FALSE.equals(o.enabled())) {
                if (!byId.containsKey(o.id())) {
                    errors.add(new InvalidRuleException.FieldError(at + ".id",
                            "only a default rule can be disabled; no default has id '" + o.id() + "'"));
                }
                byId.remove(o.id());
                continue;
            }
            RuleDefinition base = byId.get(o.id());
            String description = o.description() != null && !o.description().isBlank()
                    ? o.description()
                    : base == null ? null : base.description();
            if (description == null) {
                errors.add(new InvalidRuleException.FieldError(at + ".description", "a new rule needs a description"));
            }
            if (o.expression() == null || o.expression().isBlank()) {
                errors.add(new InvalidRuleException.FieldError(at + ".expression", "an expression is required"));
                continue;
            }
            try {
                RuleDefinition d = RuleDefinition.of(parser, o.id(), description, o.expression());
                byId.put(o.id(), d);
            } catch (RuleSyntaxException e) {
                errors.add(new InvalidRuleException.FieldError(at + ".expression", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRuleException(errors);
        }
        String key = key(service, environment);
        if (rules.isEmpty()) {
            overrides.remove(key);
            effective.remove(key);
            return defaults;
        }
        List<RuleDefinition> result = List.copyOf(byId.values());
        overrides.put(key, List.copyOf(rules));
        effective.put(key, result);
        return result;
    }

    private static String key(String service, String environment) {
        return service + "." + environment;
    }
}

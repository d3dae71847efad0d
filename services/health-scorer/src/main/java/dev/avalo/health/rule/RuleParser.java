package dev.avalo.health.rule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.avalo.health.window.MetricCatalog;
import dev.avalo.health.window.MetricCatalog.Metric;
import dev.avalo.health.window.MetricCatalog.Type;

/**
 * Parses the rule language (grammar in the module README):
 *
 * <pre>
 * rule       = metric ( threshold | relative )
 * threshold  = comparator number [ unit ] [ ( "for" | "in" ) duration ]
 * relative   = ( "increase" | "drop" ) ( "&gt;" | "&gt;=" ) number "%" "vs" ( "stable" | "baseline" ) [ "over" duration ]
 * comparator = "&gt;" | "&gt;=" | "&lt;" | "&lt;=" | "==" | "!="
 * unit       = "%" | "ms"
 * duration   = integer ( "s" | "m" | "h" )       e.g. 90s, 3m, 1h
 * </pre>
 *
 * Errors name the 1-based column and what was expected there.
 */
public final class RuleParser {

    /** Other spellings of canonical names, as the issue and the strategy write them. */
    private static final java.util.Map<String, String> ALIASES = java.util.Map.of("p50_latency", "latency_p50",
            "p95_latency", "latency_p95", "p99_latency", "latency_p99", "median_latency", "latency_p50");

    /** The longest duration a rule may use: the windows keep this much history. */
    private final Duration maxLookback;
    /** The window of a relative rule without {@code over}. */
    private final Duration defaultRelativeWindow;

    public RuleParser(Duration maxLookback, Duration defaultRelativeWindow) {
        this.maxLookback = maxLookback;
        this.defaultRelativeWindow = defaultRelativeWindow;
    }

    /** Parser with 10 minutes of history and 5-minute relative windows. */
    public static RuleParser defaults() {
        return new RuleParser(Duration.ofMinutes(10), Duration.ofMinutes(5));
    }

    private enum Kind {
        IDENT,
        NUMBER,
        OP,
        PERCENT,
        END
    }

    private record Token(Kind kind, String text, String unit, int column) {
        String describe() {
            return switch (kind) {
                case END -> "the end of the rule";
                default -> "'" + text + (unit == null ? "" : unit) + "'";
            };
        }
    }

    /** Parses {@code expression}. */
    public Condition parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new RuleSyntaxException(1, "a metric name", "an empty rule");
        }
        return new Cursor(lex(expression)).rule();
    }

    private final class Cursor {
        private final List<Token> tokens;
        private int i;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        Token peek() {
            return tokens.get(i);
        }

        Token next() {
            return tokens.get(i++);
        }

        Condition rule() {
            Token name = next();
            if (name.kind != Kind.IDENT) {
                throw new RuleSyntaxException(name.column, "a metric name", name.describe());
            }
            Metric metric = MetricCatalog.find(ALIASES.getOrDefault(name.text, name.text))
                    .orElseThrow(() -> new RuleSyntaxException(name.column,
                            "a known metric (" + String.join(", ", MetricCatalog.all().stream().map(Metric::name).toList())
                                    + ")",
                            name.describe()));
            Token t = peek();
            Condition c;
            if (t.kind == Kind.IDENT && (t.text.equals("increase") || t.text.equals("drop"))) {
                c = relative(metric);
            } else if (t.kind == Kind.OP) {
                c = threshold(metric);
            } else {
                throw new RuleSyntaxException(t.column, "a comparator (>, >=, <, <=, ==, !=) or 'increase'/'drop'",
                        t.describe());
            }
            Token end = next();
            if (end.kind != Kind.END) {
                throw new RuleSyntaxException(end.column, "the end of the rule", end.describe());
            }
            return c;
        }

        Condition threshold(Metric metric) {
            Token opToken = next();
            Comparator op = Comparator.fromSymbol(opToken.text);
            Token number = next();
            if (number.kind != Kind.NUMBER) {
                throw new RuleSyntaxException(number.column, "a number", number.describe());
            }
            double value = Double.parseDouble(number.text);
            String unit = number.unit;
            if (unit == null && peek().kind == Kind.PERCENT) {
                next();
                unit = "%";
            }
            checkUnit(metric, unit, number);
            if (metric.type() == Type.RATE && (value < 0 || value > 100)) {
                throw new RuleSyntaxException(number.column, "a percentage between 0 and 100", number.describe());
            }
            Token t = peek();
            if (t.kind == Kind.IDENT && t.text.equals("for")) {
                next();
                return new Condition.Threshold(metric, op, value, duration());
            }
            if (t.kind == Kind.IDENT && t.text.equals("in")) {
                next();
                if (metric.type() != Type.COUNTER) {
                    throw new RuleSyntaxException(t.column,
                            "'for' ('in' counts events, and " + metric.name() + " is a " + typeName(metric) + ")",
                            t.describe());
                }
                return new Condition.CountInWindow(metric, op, value, duration());
            }
            if (t.kind != Kind.END) {
                throw new RuleSyntaxException(t.column, "'for', 'in' or the end of the rule", t.describe());
            }
            return new Condition.Threshold(metric, op, value, null);
        }

        Condition relative(Metric metric) {
            Token dir = next();
            Condition.Direction direction = dir.text.equals("increase")
                    ? Condition.Direction.INCREASE
                    : Condition.Direction.DROP;
            Token opToken = next();
            Comparator op = opToken.kind == Kind.OP ? Comparator.fromSymbol(opToken.text) : null;
            if (op != Comparator.GT && op != Comparator.GE) {
                throw new RuleSyntaxException(opToken.column, "'>' or '>='", opToken.describe());
            }
            Token number = next();
            if (number.kind != Kind.NUMBER || number.unit != null) {
                throw new RuleSyntaxException(number.column, "a percentage such as 50%", number.describe());
            }
            Token percent = next();
            if (percent.kind != Kind.PERCENT) {
                throw new RuleSyntaxException(percent.column, "'%'", percent.describe());
            }
            double value = Double.parseDouble(number.text);
            if (direction == Condition.Direction.DROP && value > 100) {
                throw new RuleSyntaxException(number.column, "a drop of at most 100%", number.describe());
            }
            Token vs = next();
            if (vs.kind != Kind.IDENT || !vs.text.equals("vs")) {
                throw new RuleSyntaxException(vs.column, "'vs'", vs.describe());
            }
            Token ref = next();
            Condition.Reference reference;
            if (ref.kind == Kind.IDENT && ref.text.equals("stable")) {
                reference = Condition.Reference.STABLE;
            } else if (ref.kind == Kind.IDENT && ref.text.equals("baseline")) {
                reference = Condition.Reference.BASELINE;
            } else {
                throw new RuleSyntaxException(ref.column, "'stable' or 'baseline'", ref.describe());
            }
            Duration over = defaultRelativeWindow;
            Token t = peek();
            if (t.kind == Kind.IDENT && t.text.equals("over")) {
                next();
                over = duration();
            }
            return new Condition.Relative(metric, direction, op, value, reference, over);
        }

        Duration duration() {
            Token t = next();
            if (t.kind != Kind.NUMBER || t.unit == null || !t.text.matches("\\d+")
                    || !(t.unit.equals("s") || t.unit.equals("m") || t.unit.equals("h"))) {
                throw new RuleSyntaxException(t.column, "a duration such as 90s, 3m or 1h", t.describe());
            }
            long n = Long.parseLong(t.text);
            Duration d = switch (t.unit) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.isZero()) {
                throw new RuleSyntaxException(t.column, "a duration longer than zero", t.describe());
            }
            if (d.compareTo(maxLookback) > 0) {
                throw new RuleSyntaxException(t.column,
                        "a duration of at most " + (maxLookback.toSeconds() % 60 == 0
                                ? maxLookback.toMinutes() + "m"
                                : maxLookback.toSeconds() + "s") + " (the history the windows keep)",
                        t.describe());
            }
            return d;
        }

        void checkUnit(Metric metric, String unit, Token at) {
            if (unit == null) {
                return;
            }
            boolean ok = switch (unit) {
                case "%" -> metric.type() == Type.RATE || metric.unit().equals("%");
                case "ms" -> metric.unit().equals("ms");
                default -> false;
            };
            if (!ok) {
                String allowed = metric.type() == Type.RATE || metric.unit().equals("%")
                        ? "a number or a percentage"
                        : metric.unit().equals("ms") ? "a number of milliseconds" : "a plain number";
                throw new RuleSyntaxException(at.column, allowed + " for " + metric.name(), at.describe());
            }
        }
    }

    private static String typeName(Metric metric) {
        return metric.type().name().toLowerCase(Locale.ROOT);
    }

    private static List<Token> lex(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int column = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.IDENT, s.substring(start, i).toLowerCase(Locale.ROOT), null, column));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i + 1 < s.length() && s.charAt(i) == '.' && Character.isDigit(s.charAt(i + 1))) {
                    i++;
                    while (i < s.length() && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                }
                String number = s.substring(start, i);
                int unitStart = i;
                while (i < s.length() && Character.isLetter(s.charAt(i))) {
                    i++;
                }
                String unit = i > unitStart ? s.substring(unitStart, i).toLowerCase(Locale.ROOT) : null;
                if (unit != null && !List.of("ms", "s", "m", "h").contains(unit)) {
                    throw new RuleSyntaxException(unitStart + 1, "a unit (ms, s, m, h) or a space",
                            "'" + s.substring(unitStart, i) + "'");
                }
                tokens.add(new Token(Kind.NUMBER, number, unit, column));
            } else if (c == '%') {
                tokens.add(new Token(Kind.PERCENT, "%", null, column));
                i++;
            } else if (c == '>' || c == '<' || c == '=' || c == '!') {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals(">=") || two.equals("<=") || two.equals("==") || two.equals("!=")) {
                    tokens.add(new Token(Kind.OP, two, null, column));
                    i += 2;
                } else if (c == '>' || c == '<') {
                    tokens.add(new Token(Kind.OP, String.valueOf(c), null, column));
                    i++;
                } else {
                    throw new RuleSyntaxException(column, "a comparator (>, >=, <, <=, ==, !=)", "'" + c + "'");
                }
            } else {
                throw new RuleSyntaxException(column, "a metric, number, comparator, '%' or keyword", "'" + c + "'");
            }
        }
        tokens.add(new Token(Kind.END, "", null, s.length() + 1));
        return tokens;
    }
}

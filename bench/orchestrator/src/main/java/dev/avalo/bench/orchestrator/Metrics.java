package dev.avalo.bench.orchestrator;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** A parsed Prometheus text scrape of {@code /q/metrics}. */
final class Metrics {

    /** One sample: name, the raw label text inside the braces (or ""), value. */
    record Sample(String name, String labels, double value) {
    }

    private final List<Sample> samples;

    private Metrics(List<Sample> samples) {
        this.samples = samples;
    }

    static Metrics parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space;
            String name;
            String labels = "";
            if (brace >= 0 && brace < line.indexOf(' ')) {
                int close = line.indexOf('}', brace);
                name = line.substring(0, brace);
                labels = line.substring(brace + 1, close);
                space = close + 1;
            } else {
                space = line.indexOf(' ');
                name = line.substring(0, space);
            }
            String rest = line.substring(space).trim();
            int sp = rest.indexOf(' ');
            String value = sp < 0 ? rest : rest.substring(0, sp);
            try {
                out.add(new Sample(name, labels, Double.parseDouble(value)));
            } catch (NumberFormatException e) {
                // NaN and friends are parsed by Double; anything else is skipped
            }
        }
        return new Metrics(out);
    }

    /** The sum of every sample named {@code name} whose labels contain each of {@code labelParts}. */
    double sum(String name, String... labelParts) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s, labelParts)) {
                total += s.value();
            }
        }
        return total;
    }

    /** The first sample named {@code name} whose labels contain each of {@code labelParts}. */
    OptionalDouble first(String name, String... labelParts) {
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s, labelParts)) {
                return OptionalDouble.of(s.value());
            }
        }
        return OptionalDouble.empty();
    }

    double value(String name, String... labelParts) {
        return first(name, labelParts).orElse(0);
    }

    private static boolean matches(Sample s, String... parts) {
        for (String p : parts) {
            if (!s.labels().contains(p)) {
                return false;
            }
        }
        return true;
    }
}

package dev.avalo.health.report;

import java.util.List;
import java.util.stream.IntStream;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.health.HealthReport;

/**
 * Where a tick's reports go: each is encoded once, its JSON published and kept as its service's latest report
 * ({@link LatestReports}), and its figures exported as gauges ({@link ScoreGauges}). The report object is then dropped. The
 * {@code Clockwork} uses it with the NATS publisher; {@code bench/health-scorer} with none, so that the bench does exactly what
 * the service does after a tick.
 * <p>
 * A report tick at 10,000 live canaries has some 2,000 reports; encoding them one after the other took about 30 ms on the bench
 * machine, so a large tick's reports are encoded on all cores and then published in their order.
 */
public final class ReportOutlet {

    /** Publishes one encoded report (e.g. on {@code avalo.evt.health.<service>.<env>}). */
    @FunctionalInterface
    public interface Publisher {
        void publish(String service, String environment, byte[] json);
    }

    /** Reports from which a tick's reports are encoded in parallel. */
    static final int PARALLEL_FROM = 64;

    private final Publisher publisher;
    private final LatestReports latest;
    private final ScoreGauges gauges;

    public ReportOutlet(Publisher publisher, LatestReports latest, ScoreGauges gauges) {
        this.publisher = publisher;
        this.latest = latest;
        this.gauges = gauges;
    }

    /** Publishes, keeps and exports {@code reports}, in their order. */
    public void accept(List<HealthReport> reports) {
        int n = reports.size();
        byte[][] json = new byte[n][];
        if (n >= PARALLEL_FROM && Runtime.getRuntime().availableProcessors() > 1) {
            IntStream.range(0, n).parallel().forEach(k -> json[k] = Json.encode(reports.get(k)));
        } else {
            for (int k = 0; k < n; k++) {
                json[k] = Json.encode(reports.get(k));
            }
        }
        for (int k = 0; k < n; k++) {
            HealthReport r = reports.get(k);
            publisher.publish(r.service(), r.environment(), json[k]);
            latest.put(r.service(), r.environment(), json[k]);
            gauges.record(r);
        }
    }
}

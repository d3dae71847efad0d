package dev.avalo.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * What a scenario works with: the shared system, its own sample apps and load (stopped after the scenario), and the steps every
 * scenario takes (register a service, start a deployment, read the router, the timeline, WireMock's requests).
 */
final class Scenario implements AutoCloseable {

    /** The pre-deployment checklist the production strategies require (orchestrator {@code Checklist.PRE_ITEMS}). */
    static final Map<String, String> CHECKLIST = Map.of("tests-passing", "ci green", "security-scan", "clean",
            "migrations-tested", "n/a", "rollback-plan", "runbook", "stakeholders-notified", "#deployments",
            "on-call-assigned", "e2e", "blue-tagged-stable", "tagged", "dashboards-prepared", "grafana");

    private static final Set<String> STRATEGIES_SAVED = ConcurrentHashMap.newKeySet();

    final AvaloSystem system;
    final String name;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Proc> procs = new ArrayList<>();
    private io.nats.client.Connection nats;

    Scenario(AvaloSystem system, String name) {
        this.system = system;
        this.name = name;
    }

    void log(String format, Object... args) {
        System.out.printf("e2e[%s]: %s%n", name, String.format(format, args));
    }

    /** A unique DNS-label service name for this scenario. */
    String serviceName(String base) {
        return base + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }

    AvaloSystem.SampleApp sampleApp(String version, String... args) {
        AvaloSystem.SampleApp app = system.sampleApp(name, version, args);
        procs.add(app.proc());
        closeables.add(app);
        return app;
    }

    /**
     * A sample app serving {@code revision} of {@code service} that pushes its business metrics to the health-scorer every
     * second (demo/sample-app: {@code --service --revision --metrics-url --metrics-token}), with a few ms of latency.
     */
    AvaloSystem.SampleApp revisionApp(String service, String revision, String... faults) {
        List<String> args = new ArrayList<>(List.of("--service", service, "--environment", AvaloSystem.ENV, "--revision",
                revision, "--metrics-url", system.health.base(), "--metrics-token", Api.token("deployer"),
                "--latency-ms", "5"));
        args.addAll(List.of(faults));
        return sampleApp(revision, args.toArray(String[]::new));
    }

    Load load(String service, int rps, int threads) {
        Load load = Load.start(system.proxyUrl(), service, rps, threads);
        closeables.add(load);
        return load;
    }

    // ---- strategies --------------------------------------------------------------------------------------------------

    /** One stage of a strategy. */
    static Map<String, Object> stage(String name, int weightBasisPoints, long seconds, String approval, String... gates) {
        Map<String, Object> stage = new LinkedHashMap<>();
        stage.put("name", name);
        stage.put("weightBasisPoints", weightBasisPoints);
        stage.put("minDurationSeconds", seconds);
        stage.put("approval", approval);
        stage.put("gates", Arrays.asList(gates));
        return stage;
    }

    /** Saves a named strategy (admin {@code PUT /strategies/{name}}), once per run; deployments pick it by name. */
    void strategy(String strategyName, long bakeSeconds, List<Map<String, Object>> stages) {
        if (STRATEGIES_SAVED.contains(strategyName)) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("environment", strategyName);
        body.put("stages", stages);
        body.put("bakeSeconds", bakeSeconds);
        body.put("blueRetentionSeconds", 3600);
        body.put("promotionScheduleCheck", true);
        body.put("checklistRequired", true);
        system.orchestrator.put("admin", "/api/v1/strategies/" + strategyName, body).expect(200);
        STRATEGIES_SAVED.add(strategyName);
    }

    // ---- orchestrator ------------------------------------------------------------------------------------------------

    /** Registers {@code service} in production with its stable revision and waits for the router to apply the route. */
    void register(String service, String revision, String upstream) {
        system.orchestrator.post("deployer", "/api/v1/services", Map.of("name", service, "environment",
                AvaloSystem.ENV, "revision", revision, "upstreams", List.of(upstream))).expect(201);
        await(service + " routed by the router").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> route(service) != null);
    }

    Api.Resp startRequest(String role, String service, String revision, String upstream, String strategy,
            Map<String, String> emergency) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("environment", AvaloSystem.ENV);
        body.put("revision", revision);
        body.put("upstreams", List.of(upstream));
        if (strategy != null) {
            body.put("strategy", strategy);
        }
        if (emergency != null) {
            body.put("emergency", emergency);
        }
        body.put("checklist", CHECKLIST);
        return system.orchestrator.post(role, "/api/v1/deployments", body);
    }

    /** Starts a production deployment (201) and returns its id. */
    String start(String service, String revision, String upstream, String strategy) {
        Api.Resp created = startRequest("deployer", service, revision, upstream, strategy, null).expect(201);
        String id = created.text("id");
        log("deployment %s of %s %s started (strategy %s)", id, service, revision, strategy);
        return id;
    }

    JsonNode deployment(String id) {
        return system.orchestrator.get("viewer", "/api/v1/deployments/" + id).expect(200).json();
    }

    String state(String id) {
        return deployment(id).path("state").asText();
    }

    int stageIndex(String id) {
        return deployment(id).path("stage").path("index").asInt();
    }

    List<JsonNode> events(String id) {
        List<JsonNode> list = new ArrayList<>();
        system.orchestrator.get("viewer", "/api/v1/deployments/" + id + "/events").expect(200).json()
                .forEach(list::add);
        return list;
    }

    String timeline(String id) {
        StringBuilder b = new StringBuilder();
        for (JsonNode e : events(id)) {
            b.append("\n  ").append(e.path("at").asText()).append(' ').append(e.path("type").asText()).append(" stage ")
                    .append(e.path("stageIndex").asText()).append(" [").append(e.path("actor").asText()).append("] ")
                    .append(e.path("reason").asText());
        }
        return b.toString();
    }

    /** Waits for one of {@code states}; fails early when the deployment ends in another terminal state. */
    JsonNode awaitState(String id, Duration atMost, String... states) {
        List<String> wanted = List.of(states);
        JsonNode[] last = new JsonNode[1];
        try {
            await(id + " in " + wanted).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = deployment(id);
                String state = last[0].path("state").asText();
                if (!wanted.contains(state) && Set.of("SUCCEEDED", "ROLLED_BACK", "ABORTED", "FAILED").contains(state)) {
                    throw new AssertionError("deployment " + id + " ended " + state + ", expected " + wanted
                            + "; timeline:" + timeline(id));
                }
                return wanted.contains(state);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; last seen " + (last[0] == null ? "nothing" : last[0])
                    + "; timeline:" + timeline(id), e);
        }
        return last[0];
    }

    // ---- router ------------------------------------------------------------------------------------------------------

    /** The router's applied route for {@code service} in production, null when it has none. */
    JsonNode route(String service) {
        Api.Resp resp = system.router.get(null, "/api/v1/routes/" + service + "/" + AvaloSystem.ENV);
        return resp.status() == 200 ? resp.json() : null;
    }

    int routerWeight(String service) {
        JsonNode route = route(service);
        return route == null ? -1 : route.path("canaryWeightBasisPoints").asInt(-1);
    }

    void awaitRouterWeight(String service, int weight, Duration atMost) {
        await(service + " at " + weight + " bp on the router").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> routerWeight(service) == weight);
    }

    // ---- NATS --------------------------------------------------------------------------------------------------------

    /** Collects the JSON messages on {@code subject} from now on (a core NATS subscription of this scenario). */
    List<JsonNode> subscribe(String subject) {
        List<JsonNode> messages = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            if (nats == null) {
                nats = io.nats.client.Nats.connect(new io.nats.client.Options.Builder().server(system.nats.url())
                        .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).build());
                closeables.add(nats);
            }
            io.nats.client.Dispatcher dispatcher = nats.createDispatcher(m -> {
                try {
                    messages.add(Api.JSON.readTree(m.getData()));
                } catch (java.io.IOException e) {
                    log("not JSON on %s: %s", m.getSubject(), new String(m.getData()));
                }
            });
            dispatcher.subscribe(subject);
            nats.flush(Duration.ofSeconds(5));
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe to " + subject, e);
        }
        return messages;
    }

    /** Router acks of {@code service} in production. */
    List<JsonNode> routerAcks(String service) {
        return subscribe("avalo.evt.router.applied." + service + "." + AvaloSystem.ENV);
    }

    // ---- WireMock (Slack, PagerDuty) ---------------------------------------------------------------------------------

    /** The JSON bodies WireMock answered with 2xx on {@code path} that mention {@code needle} (deliveries). */
    List<JsonNode> received(String path, String needle) {
        return served(path, needle, true);
    }

    /** Every JSON body WireMock got on {@code path} that mentions {@code needle}, whatever it answered (attempts). */
    List<JsonNode> attempts(String path, String needle) {
        return served(path, needle, false);
    }

    private List<JsonNode> served(String path, String needle, boolean deliveredOnly) {
        List<JsonNode> out = new ArrayList<>();
        for (com.github.tomakehurst.wiremock.stubbing.ServeEvent e : system.wiremock.getAllServeEvents()) {
            LoggedRequest r = e.getRequest();
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatus();
            if (!r.getUrl().startsWith(path) || deliveredOnly && (status < 200 || status >= 300)) {
                continue;
            }
            String body = r.getBodyAsString();
            if (body.contains(needle)) {
                try {
                    out.add(Api.JSON.readTree(body));
                } catch (java.io.IOException ex) {
                    throw new AssertionError("not JSON on " + path + ": " + body, ex);
                }
            }
        }
        return out;
    }

    List<JsonNode> slackAlerts(String needle) {
        return received("/slack/alerts", needle);
    }

    List<JsonNode> slackDeployments(String needle) {
        return received("/slack/deployments", needle);
    }

    List<JsonNode> pagerDuty(String needle) {
        return received("/pagerduty/v2/enqueue", needle);
    }

    /** Slack messages by their fallback text's first words (e.g. "Rollback started"), counted. */
    static Map<String, Long> countByTitle(List<JsonNode> messages) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (JsonNode m : messages) {
            String text = m.path("text").asText();
            int colon = text.indexOf(':');
            counts.merge(colon > 0 ? text.substring(0, colon) : text, 1L, Long::sum);
        }
        return counts;
    }

    String tails(int lines) {
        StringBuilder b = new StringBuilder(system.tails(lines));
        for (Proc p : procs) {
            b.append(p.tail(Math.min(lines, 15))).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log("could not close %s: %s", closeables.get(i), e);
            }
        }
        closeables.clear();
    }
}

package dev.avalo.router.control;

import static dev.avalo.router.control.Routes.route;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.route.DesiredRoute;
import dev.avalo.router.backend.embedded.EmbeddedBackend;
import dev.avalo.router.route.RouteTable;
import dev.avalo.testing.MutableClock;

/** The control plane's decisions without NATS or Quarkus: apply, ignore, refuse, persist, restore. */
class RouteApplierTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.of(T0);
    private RouteTable table;
    private RouteApplier applier;

    @BeforeEach
    void setUp() {
        table = new RouteTable(Map.of());
        applier = new RouteApplier(new EmbeddedBackend(table), "production",
                new RouteStateFile(dir.resolve("state/routes.json")), clock);
    }

    @Test
    void appliesANewerGenerationAndStampsIt() {
        RouteApplier.Result result = applier.accept("chat-api.production", bytes(route("chat-api", 1, 100)));

        assertThat(result).isInstanceOfSatisfying(RouteApplier.Applied.class, a -> {
            assertThat(a.route().route().generation()).isEqualTo(1);
            assertThat(a.route().appliedAt()).isEqualTo(T0);
        });
        assertThat(table.get("chat-api").canaryWeightBasisPoints()).isEqualTo(100);

        clock.advance(java.time.Duration.ofSeconds(5));
        applier.accept("chat-api.production", bytes(route("chat-api", 2, 2500)));
        assertThat(applier.applied("chat-api")).hasValueSatisfying(r -> {
            assertThat(r.route().generation()).isEqualTo(2);
            assertThat(r.appliedAt()).isEqualTo(T0.plusSeconds(5));
        });
    }

    @Test
    void anOlderGenerationIsStaleAndAnEqualOneIsAReplay() {
        applier.accept("chat-api.production", bytes(route("chat-api", 5, 100)));

        RouteApplier.Result older = applier.accept("chat-api.production", bytes(route("chat-api", 3, 10_000)));
        RouteApplier.Result replay = applier.accept("chat-api.production", bytes(route("chat-api", 5, 100)));

        assertThat(older).isInstanceOfSatisfying(RouteApplier.Stale.class, s -> {
            assertThat(s.isReplay()).isFalse();
            assertThat(s.current().route().generation()).isEqualTo(5);
        });
        assertThat(replay).isInstanceOfSatisfying(RouteApplier.Stale.class, s -> assertThat(s.isReplay()).isTrue());
        assertThat(table.get("chat-api").generation()).isEqualTo(5);
        assertThat(table.get("chat-api").canaryWeightBasisPoints()).isEqualTo(100);
    }

    @Test
    void malformedRoutesAreRefusedAndThePreviousOneKept() {
        applier.accept("chat-api.production", bytes(route("chat-api", 1, 100)));
        DesiredRoute good = route("chat-api", 2, 100);

        assertThat(applier.accept("chat-api.production", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RouteApplier.Rejected.class, r -> {
                    assertThat(r.generation()).isNull();
                    assertThat(r.problems()).singleElement().asString().contains("malformed DesiredRoute JSON");
                });
        assertThat(applier.accept("chat-api.production", "{\"generation\":7,\"canaryWeightBasisPoints\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RouteApplier.Rejected.class, r -> assertThat(r.generation()).isEqualTo(7));
        assertThat(applier.accept("chat-api.production", bytes(new DesiredRoute("chat-api", "production", 2, good.stable(),
                good.canary(), 20_000, null, null))))
                .isInstanceOfSatisfying(RouteApplier.Rejected.class, r -> {
                    assertThat(r.generation()).isEqualTo(2);
                    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("canaryWeightBasisPoints"));
                });
        assertThat(applier.accept("chat-api.production", bytes(new DesiredRoute("chat-api", "production", 2,
                new dev.avalo.contracts.route.RouteTarget("chat-api-v1", List.of()), null, 0, null, null))))
                .isInstanceOfSatisfying(RouteApplier.Rejected.class,
                        r -> assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("stable.upstreams")));
        assertThat(applier.accept("Chat_API.production", bytes(route("Chat_API", 2, 100))))
                .isInstanceOfSatisfying(RouteApplier.Rejected.class,
                        r -> assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("DNS label")));
        assertThat(applier.accept("chat-api.production", bytes(route("chat-api", "staging", 2, 100))))
                .isInstanceOfSatisfying(RouteApplier.Rejected.class,
                        r -> assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("not this router's")));
        assertThat(applier.accept("chat-api.production", (byte[]) null)).isInstanceOf(RouteApplier.Rejected.class);

        assertThat(table.get("chat-api").generation()).isEqualTo(1);
        assertThat(table.all()).hasSize(1);
    }

    @Test
    void persistedRoutesAreRestoredByANewRouterWithoutNats() throws Exception {
        applier.accept("chat-api.production", bytes(route("chat-api", 3, 100)));
        applier.accept("search.production", bytes(route("search", 9, 0)));
        applier.persist();

        RouteTable restarted = new RouteTable(Map.of());
        RouteApplier after = new RouteApplier(new EmbeddedBackend(restarted), "production",
                new RouteStateFile(dir.resolve("state/routes.json")), clock);
        List<RouteApplier.Result> results = after.restore();

        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(RouteApplier.Applied.class));
        assertThat(restarted.get("chat-api").generation()).isEqualTo(3);
        assertThat(restarted.get("search").generation()).isEqualTo(9);
        DesiredRoute[] file = Json.decode(Files.readAllBytes(dir.resolve("state/routes.json")), DesiredRoute[].class);
        assertThat(file).extracting(DesiredRoute::service).containsExactly("chat-api", "search");
        assertThat(Files.list(dir.resolve("state"))).as("no temporary file left behind").hasSize(1);
    }

    @Test
    void aMissingStateFileIsNoRoutesAndABadEntryIsSkipped() throws Exception {
        assertThat(applier.restore()).isEmpty();

        Path file = dir.resolve("state/routes.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[" + new String(bytes(route("chat-api", 4, 100)), StandardCharsets.UTF_8) + ", 17, "
                + new String(bytes(route("other", "staging", 1, 0)), StandardCharsets.UTF_8) + "]");

        List<RouteApplier.Result> results = applier.restore();

        assertThat(results).filteredOn(RouteApplier.Applied.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(RouteApplier.Rejected.class::isInstance).hasSize(2);
        assertThat(table.get("chat-api").generation()).isEqualTo(4);
        assertThat(table.get("other")).isNull();
    }

    private static byte[] bytes(DesiredRoute route) {
        return Json.encode(route);
    }
}

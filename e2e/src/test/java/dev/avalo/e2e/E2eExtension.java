package dev.avalo.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Starts the shared {@link AvaloSystem} once for the whole run (closed when the run ends: every process stopped by its PID, the
 * nats-server's store and the database removed), gives each scenario class a {@link Scenario} (closed after the class: its
 * sample apps and load stopped) and prints the logs' tails when a scenario fails.
 */
final class E2eExtension
        implements
            BeforeAllCallback,
            AfterAllCallback,
            ParameterResolver,
            TestExecutionExceptionHandler,
            LifecycleMethodExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(E2eExtension.class);

    /** Closes the shared system at the end of the run. */
    private record Shared(AvaloSystem system) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            system.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Shared shared = context.getRoot().getStore(NS).getOrComputeIfAbsent("system", k -> new Shared(new AvaloSystem()),
                Shared.class);
        String name = context.getRequiredTestClass().getSimpleName().replaceAll("IT$", "");
        context.getStore(NS).put("scenario", new Scenario(shared.system(), name));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Scenario scenario = context.getStore(NS).get("scenario", Scenario.class);
        if (scenario != null) {
            scenario.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Scenario.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Scenario scenario = context.getStore(NS).get("scenario", Scenario.class);
        if (scenario == null) {
            scenario = context.getParent().orElseThrow().getStore(NS).get("scenario", Scenario.class);
        }
        return scenario;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, throwable);
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, throwable);
        throw throwable;
    }

    private static void report(ExtensionContext context, Throwable throwable) {
        Scenario scenario = context.getStore(NS).get("scenario", Scenario.class);
        if (scenario == null && context.getParent().isPresent()) {
            scenario = context.getParent().get().getStore(NS).get("scenario", Scenario.class);
        }
        System.out.println("e2e: " + context.getDisplayName() + " FAILED: " + throwable);
        if (scenario != null) {
            System.out.println(scenario.tails(40));
        }
    }
}

package dev.avalo.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code avalo} command: global options (inherited by every subcommand) and the subcommands. */
@Command(name = "avalo", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, version = "avalo 0.1.0", description = "The command line of Avalo Deploy: start, watch, control and roll back canary deployments; "
        + "freezes and schedule checks; local tokens.", subcommands = {DeployCommand.class, EmergencyStopCommand.class,
                FreezeCommand.class, ScheduleCommand.class,
                TokenCommand.class, CommandLine.HelpCommand.class}, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                        "0:ok", "1:failed (refused by the server, unreachable, ended badly)",
                        "2:usage error (bad arguments or configuration)", "3:not found (404, no live deployment)",
                        "4:blocked by the schedule (423)",
                        "5:timed out waiting"}, footerHeading = "%nEnvironment:%n", footer = {
                                "  AVALO_URL, AVALO_SCHEDULER_URL, AVALO_HEALTH_URL, AVALO_TOKEN,",
                                "  AVALO_TOKEN_TTL_SECONDS, AVALO_ROUTER_ADMIN_URL (cli/README.md)"})
public class Avalo implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", description = "Orchestrator base URL (env AVALO_URL, default http://127.0.0.1:8080).")
    String url;

    @Option(names = "--scheduler-url", scope = ScopeType.INHERIT, paramLabel = "URL", description = "Scheduler base URL (env AVALO_SCHEDULER_URL, default http://127.0.0.1:8084).")
    String schedulerUrl;

    @Option(names = "--health-url", scope = ScopeType.INHERIT, paramLabel = "URL", description = "Health-scorer base URL (env AVALO_HEALTH_URL, default http://127.0.0.1:8081).")
    String healthUrl;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "JWT", description = "Bearer token (env AVALO_TOKEN; else one is signed with the local key pair .avalo/keys/ "
            + "found above the working directory, with the role the command needs).")
    String token;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON (the server's bodies) instead of text.")
    boolean json;

    final Context ctx;

    public Avalo(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which command (see avalo --help)");
    }

    /** The orchestrator base URL. */
    String orchestratorUrl() {
        return pick(url, "AVALO_URL", "http://127.0.0.1:8080");
    }

    String schedulerUrl() {
        return pick(schedulerUrl, "AVALO_SCHEDULER_URL", "http://127.0.0.1:8084");
    }

    String healthUrl() {
        return pick(healthUrl, "AVALO_HEALTH_URL", "http://127.0.0.1:8081");
    }

    /** The bearer token: {@code --token}, {@code AVALO_TOKEN}, or a local one for {@code role}. */
    String token(String role) {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        String fromEnv = ctx.env("AVALO_TOKEN");
        if (fromEnv != null) {
            return fromEnv.trim();
        }
        String name = ctx.env("USER");
        return LocalToken.sign(ctx, role, name == null ? "operator" : name);
    }

    private String pick(String option, String env, String fallback) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String value = ctx.env(env);
        return value == null ? fallback : value;
    }

    /** Builds the command line for a context, with the exit code mapping. */
    public static CommandLine commandLine(Context ctx) {
        CommandLine cli = new CommandLine(new Avalo(ctx));
        cli.setOut(ctx.out());
        cli.setErr(ctx.err());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Avalo root = (Avalo) commandLine.getCommandSpec().root().userObject();
            return Output.failure(ctx, root.json, e);
        });
        return cli;
    }

    /** Runs the CLI in {@code ctx} and returns the exit code. */
    public static int run(Context ctx, String... args) {
        try {
            return commandLine(ctx).execute(args);
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Context ctx = new Context(Map.copyOf(System.getenv()), Path.of("").toAbsolutePath(), out, err,
                System.console() != null);
        System.exit(run(ctx, args));
    }
}

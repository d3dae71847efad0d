package dev.avalo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Argument handling without any server: bad arguments are usage errors (exit 2) that name the problem and send nothing (the URL
 * points at a closed port, so a request would be exit 1 instead); every command has --help.
 */
class UsageTest {

    @TempDir
    static Path home;

    private static Cli cli() {
        // a token is given, so no key lookup happens; port 9 is discard: nothing listens there locally
        return new Cli(Map.of("AVALO_URL", "http://127.0.0.1:9", "AVALO_SCHEDULER_URL", "http://127.0.0.1:9",
                "AVALO_TOKEN", "not-used"), home);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "deploy",
            "deploy frobnicate",
            "deploy status",
            "deploy status --service checkout",
            "deploy status some-id --service checkout --env staging",
            "deploy start --service s --env staging --revision v2",
            "deploy start --service s --env staging --revision v2 --upstream ftp://x",
            "deploy start --service s --env staging --revision v2 --upstream http://x --emergency-reason fire",
            "deploy start --service s --env staging --revision v2 --upstream http://x --migration-phase expand",
            "deploy start --service s --env staging --revision v2 --upstream http://x --migration-phase sideways --migration-file x.sql",
            "deploy start --service s --env staging --revision v2 --upstream http://x --check no-equals-sign",
            "deploy rollback some-id",
            "deploy rollback some-id --immediate --revision=v1",
            "deploy rollback some-id --stage=next",
            "deploy rollback some-id --immediate --timeout 0",
            "deploy watch some-id --interval 0",
            "deploy watch some-id --until DANCING",
            "deploy list --limit 0",
            "deploy abort",
            "emergency-stop",
            "emergency-stop --reason fire --timeout x",
            "freeze add --name x --starts-at 2026-01-01T00:00",
            "freeze remove",
            "schedule check --service s",
            "schedule check --service s --env production --approved-by alice",
            "token",
            "token superuser",
            "token viewer alice extra",
            "--no-such-option deploy status x"})
    void badArgumentsAreUsageErrors(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        Cli.Result r = cli().run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).as(r.toString()).isNotBlank().doesNotContain("cannot reach");
    }

    @Test
    void usageErrorsSayWhatIsWrong() {
        assertThat(cli().run("deploy", "rollback", "x").err()).contains("--immediate, --stage=previous or --revision=REV");
        assertThat(cli().run("deploy", "status", "x", "--service", "a", "--env", "b").err()).contains("not both");
        assertThat(cli().run("deploy", "start", "--service", "s", "--env", "e", "--revision", "r").err())
                .contains("--upstream");
        assertThat(cli().run("token", "superuser").err()).contains("unknown role 'superuser'");
    }

    @Test
    void checklistFileMustBeItemEqualsEvidence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("checklist.txt");
        Files.writeString(file, "# pre-deployment\ntests-passing=ci#1\nsecurity-scan\n");
        Cli.Result r = cli().run("deploy", "start", "--service", "s", "--env", "e", "--revision", "r", "--upstream",
                "http://x", "--checklist-file", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("lines 3 are not item=evidence");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "deploy", "deploy start", "deploy status", "deploy list", "deploy events", "deploy watch",
            "deploy promote", "deploy approve", "deploy pause", "deploy resume", "deploy rollback", "deploy abort",
            "emergency-stop", "freeze", "freeze list", "freeze add", "freeze remove", "schedule", "schedule check",
            "token"})
    void everyCommandHasHelp(String command) {
        List<String> args = new java.util.ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        Cli.Result r = cli().run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Usage: avalo" + (command.isEmpty() ? "" : " " + command))
                .contains("Exit codes:", "4   blocked by the schedule (423)");
    }

    @Test
    void unreachableServerIsAFailureNotAUsageError() {
        Cli.Result r = cli().run("deploy", "status", "3f1c7a9e-0000-4000-8000-000000000000");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("cannot reach http://127.0.0.1:9");
    }

    @Test
    void withoutTokenOrKeysTheCliSaysHowToGetOne(@TempDir Path empty) {
        Cli.Result r = new Cli(Map.of("AVALO_URL", "http://127.0.0.1:9"), empty).run("deploy", "status", "x");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no token", "AVALO_TOKEN", "scripts/token.sh");
    }
}

package dev.avalo.orchestrator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.avalo.orchestrator.migration.MigrationChange.Kind;

class MigrationPolicyTest {

    private final MigrationPolicy policy = new MigrationPolicy();

    // ---------------------------------------------------------------------------------------------------------
    // examples of deployment-strategy.md, "Database Migration Strategy"

    static Stream<Arguments> strategyDocumentExamples() {
        return Stream.of(
                arguments("compatible changes", """
                        -- Safe to deploy alongside code
                        ALTER TABLE users ADD COLUMN new_field VARCHAR(255);
                        CREATE INDEX idx_new_field ON users(new_field);
                        """, List.of(Kind.ADD_COLUMN, Kind.CREATE_INDEX), false,
                        "2 statements: none breaking"),
                arguments("breaking change, phase 1 (expand)", """
                        -- Add new column
                        ALTER TABLE users ADD COLUMN email_verified BOOLEAN;
                        -- Copy data
                        UPDATE users SET email_verified = verified;
                        """, List.of(Kind.ADD_COLUMN, Kind.DATA), false,
                        "2 statements: none breaking"),
                arguments("breaking change, phase 2 (contract)", """
                        -- After all instances updated
                        ALTER TABLE users DROP COLUMN verified;
                        """, List.of(Kind.DROP_COLUMN), true,
                        "1 statement: 1 breaking (DROP COLUMN users.verified)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategyDocumentExamples")
    void classifiesTheStrategyDocumentExamples(String name, String sql, List<Kind> kinds, boolean breaking,
            String summary) {
        MigrationAnalysis analysis = policy.analyse(sql);

        assertThat(analysis.changes()).extracting(MigrationChange::kind).containsExactlyElementsOf(kinds);
        assertThat(analysis.breaking()).isEqualTo(breaking);
        assertThat(analysis.summary()).isEqualTo(summary);
    }

    @Test
    void contractPhaseExampleExplainsTheDroppedColumn() {
        MigrationChange change = policy.analyse("ALTER TABLE users DROP COLUMN verified;").changes().get(0);

        assertThat(change.index()).isEqualTo(1);
        assertThat(change.statement()).isEqualTo("ALTER TABLE users DROP COLUMN verified");
        assertThat(change.breaking()).isTrue();
        assertThat(change.reason()).isEqualTo("drops column users.verified, which the stable revision may still read");
    }

    // ---------------------------------------------------------------------------------------------------------
    // single statements

    static Stream<Arguments> compatibleStatements() {
        return Stream.of(
                arguments("ALTER TABLE users ADD COLUMN nickname text", Kind.ADD_COLUMN, "nullable column users.nickname"),
                arguments("ALTER TABLE users ADD nickname text NULL", Kind.ADD_COLUMN, "nullable column users.nickname"),
                arguments("ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text", Kind.ADD_COLUMN, "users.nickname"),
                arguments("ALTER TABLE public.users ADD COLUMN n int", Kind.ADD_COLUMN, "public.users.n"),
                arguments("ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true", Kind.ADD_COLUMN,
                        "NOT NULL column users.active with a DEFAULT"),
                arguments("ALTER TABLE users ADD COLUMN active boolean DEFAULT true NOT NULL", Kind.ADD_COLUMN,
                        "with a DEFAULT"),
                arguments("ALTER TABLE users ADD COLUMN seq bigserial NOT NULL", Kind.ADD_COLUMN, "with a DEFAULT"),
                arguments("ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY", Kind.ADD_COLUMN,
                        "users.id2"),
                arguments("ALTER TABLE users ADD COLUMN org_id int REFERENCES orgs(id)", Kind.ADD_COLUMN,
                        "nullable column users.org_id"),
                arguments("CREATE TABLE audit (id bigserial PRIMARY KEY, payload jsonb NOT NULL)", Kind.CREATE_TABLE,
                        "creates table audit"),
                arguments("CREATE TABLE IF NOT EXISTS audit (id int)", Kind.CREATE_TABLE, "creates table audit"),
                arguments("CREATE TABLE users_copy AS SELECT * FROM users", Kind.CREATE_TABLE, "users_copy"),
                arguments("CREATE INDEX idx_email ON users (email)", Kind.CREATE_INDEX,
                        "creates index idx_email on users (without CONCURRENTLY"),
                arguments("CREATE UNIQUE INDEX idx_email ON users (email)", Kind.CREATE_INDEX,
                        "creates unique index idx_email on users"),
                arguments("CREATE INDEX CONCURRENTLY idx_email ON users (email)", Kind.CREATE_INDEX,
                        "creates index idx_email on users concurrently"),
                arguments("create unique index concurrently if not exists idx_email on users using btree (lower(email))",
                        Kind.CREATE_INDEX, "creates unique index idx_email on users concurrently"),
                arguments("CREATE INDEX idx_live ON users (email) WHERE deleted_at IS NULL", Kind.CREATE_INDEX,
                        "INCLUDE/WHERE clauses were not analysed"),
                arguments("CREATE INDEX CONCURRENTLY idx_cov ON users (email) INCLUDE (name)", Kind.CREATE_INDEX,
                        "concurrently; INCLUDE/WHERE"),
                arguments("CREATE VIEW active_users AS SELECT * FROM users WHERE active", Kind.OTHER,
                        "creates view active_users"),
                arguments("CREATE OR REPLACE VIEW active_users AS SELECT id FROM users", Kind.OTHER,
                        "creates or replaces view active_users"),
                arguments("CREATE SEQUENCE invoice_no START WITH 1000", Kind.OTHER, "creates sequence invoice_no"),
                arguments("UPDATE users SET email_verified = verified", Kind.DATA, "data change (UPDATE)"),
                arguments("INSERT INTO settings (k, v) VALUES ('a', 'b') ON CONFLICT DO NOTHING", Kind.DATA,
                        "data change (INSERT)"),
                arguments("DELETE FROM sessions WHERE expires_at < now()", Kind.DATA, "data change (DELETE)"),
                arguments("COMMENT ON COLUMN users.email IS 'primary address'", Kind.OTHER,
                        "comment on column users.email"),
                arguments("COMMENT ON TABLE users IS 'people'", Kind.OTHER, "comment on table users"),
                arguments("DROP INDEX idx_email", Kind.DROP_INDEX, "queries of the stable revision may slow down"),
                arguments("DROP INDEX CONCURRENTLY IF EXISTS idx_email", Kind.DROP_INDEX, "drops index idx_email"),
                arguments("ALTER TABLE users ALTER COLUMN email DROP NOT NULL", Kind.OTHER,
                        "drops NOT NULL from column users.email"),
                arguments("ALTER TABLE users ALTER COLUMN score SET DEFAULT 0", Kind.OTHER,
                        "sets the DEFAULT of column users.score"),
                arguments("SET lock_timeout = '5s'", Kind.OTHER, "session setting"),
                arguments("BEGIN", Kind.OTHER, "transaction control"),
                arguments("START TRANSACTION", Kind.OTHER, "transaction control"),
                arguments("COMMIT", Kind.OTHER, "transaction control"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compatibleStatements")
    void classifiesCompatibleStatements(String sql, Kind kind, String reasonFragment) {
        MigrationAnalysis analysis = policy.analyse(sql);

        assertThat(analysis.changes()).singleElement().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(kind);
            assertThat(change.breaking()).isFalse();
            assertThat(change.reason()).contains(reasonFragment);
            assertThat(change.statement()).isEqualTo(sql);
        });
        assertThat(analysis.breaking()).isFalse();
        assertThat(analysis.breakingChanges()).isEmpty();
    }

    static Stream<Arguments> breakingStatements() {
        return Stream.of(
                arguments("DROP TABLE legacy_users", Kind.DROP_TABLE, "drops table legacy_users",
                        "DROP TABLE legacy_users"),
                arguments("DROP TABLE IF EXISTS legacy_users CASCADE", Kind.DROP_TABLE, "drops table legacy_users",
                        "DROP TABLE legacy_users"),
                arguments("ALTER TABLE users DROP COLUMN verified", Kind.DROP_COLUMN, "drops column users.verified",
                        "DROP COLUMN users.verified"),
                arguments("ALTER TABLE users DROP COLUMN IF EXISTS verified CASCADE", Kind.DROP_COLUMN,
                        "drops column users.verified", "DROP COLUMN users.verified"),
                arguments("ALTER TABLE users DROP verified", Kind.DROP_COLUMN, "drops column users.verified",
                        "DROP COLUMN users.verified"),
                arguments("ALTER TABLE users RENAME COLUMN verified TO email_verified", Kind.RENAME_COLUMN,
                        "renames column users.verified to email_verified", "RENAME COLUMN users.verified"),
                arguments("ALTER TABLE users RENAME verified TO email_verified", Kind.RENAME_COLUMN,
                        "renames column users.verified to email_verified", "RENAME COLUMN users.verified"),
                arguments("ALTER TABLE users RENAME TO accounts", Kind.RENAME_TABLE, "renames table users to accounts",
                        "RENAME TABLE users"),
                arguments("ALTER TABLE users ALTER COLUMN age TYPE bigint", Kind.ALTER_TYPE,
                        "changes the type of column users.age to bigint", "ALTER TYPE users.age"),
                arguments("ALTER TABLE users ALTER COLUMN age TYPE bigint USING age::bigint", Kind.ALTER_TYPE,
                        "column users.age", "ALTER TYPE users.age"),
                arguments("ALTER TABLE users ALTER COLUMN age SET DATA TYPE bigint", Kind.ALTER_TYPE,
                        "changes the type of column users.age to bigint", "ALTER TYPE users.age"),
                arguments("ALTER TABLE users ALTER COLUMN email SET NOT NULL", Kind.SET_NOT_NULL,
                        "sets column users.email to NOT NULL", "SET NOT NULL users.email"),
                arguments("ALTER TABLE users ALTER email SET NOT NULL", Kind.SET_NOT_NULL,
                        "sets column users.email to NOT NULL", "SET NOT NULL users.email"),
                arguments("ALTER TABLE users ADD COLUMN tenant_id int NOT NULL", Kind.ADD_NOT_NULL_COLUMN,
                        "adds NOT NULL column users.tenant_id without a DEFAULT", "ADD NOT NULL COLUMN users.tenant_id"),
                arguments("ALTER TABLE users ADD COLUMN tenant_id int PRIMARY KEY", Kind.ADD_NOT_NULL_COLUMN,
                        "without a DEFAULT", "ADD NOT NULL COLUMN users.tenant_id"),
                arguments("TRUNCATE users", Kind.TRUNCATE, "truncates table users", "TRUNCATE users"),
                arguments("TRUNCATE TABLE users, sessions", Kind.TRUNCATE, "truncates tables users, sessions",
                        "TRUNCATE users"),
                arguments("DROP VIEW active_users", Kind.DROP_OTHER, "drops view active_users",
                        "DROP VIEW active_users"),
                arguments("DROP MATERIALIZED VIEW stats", Kind.DROP_OTHER, "drops materialized view stats",
                        "DROP VIEW stats"),
                arguments("DROP SEQUENCE invoice_no", Kind.DROP_OTHER, "drops sequence invoice_no",
                        "DROP SEQUENCE invoice_no"),
                arguments("DROP FUNCTION f", Kind.DROP_OTHER, "drops function f", "DROP FUNCTION f"),
                arguments("ALTER TABLE users DROP CONSTRAINT users_email_key", Kind.DROP_OTHER,
                        "drops constraint users_email_key on users", "DROP CONSTRAINT users_email_key"),
                arguments("ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs(id)",
                        Kind.OTHER, "adds constraint fk_org to table users", "adds constraint fk_org to table users"),
                arguments("ALTER TABLE users ALTER COLUMN score DROP DEFAULT", Kind.OTHER,
                        "drops the DEFAULT of column users.score", "drops the DEFAULT of column users.score"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakingStatements")
    void classifiesBreakingStatements(String sql, Kind kind, String reasonFragment, String label) {
        MigrationAnalysis analysis = policy.analyse(sql + ";");

        assertThat(analysis.changes()).singleElement().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(kind);
            assertThat(change.breaking()).isTrue();
            assertThat(change.reason()).contains(reasonFragment);
            assertThat(change.statement()).isEqualTo(sql);
            assertThat(change.label()).isEqualTo(label);
        });
        assertThat(analysis.breaking()).isTrue();
        assertThat(analysis.summary()).isEqualTo("1 statement: 1 breaking (" + label + ")");
    }

    static Stream<Arguments> unknownStatements() {
        return Stream.of(
                arguments("GRANT SELECT ON users TO reporting", "GRANT"),
                arguments("CREATE FUNCTION one() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "CREATE FUNCTION"),
                arguments("SELECT setval('invoice_no', 2000)", "SELECT"),
                arguments("ALTER SEQUENCE invoice_no RESTART WITH 5", "ALTER SEQUENCE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownStatements")
    void treatsUnknownStatementTypesAsBreaking(String sql, String type) {
        MigrationChange change = policy.analyse(sql).changes().get(0);

        assertThat(change.kind()).isEqualTo(Kind.OTHER);
        assertThat(change.breaking()).isTrue();
        assertThat(change.reason()).isEqualTo("statement type " + type + " is not known to be backward compatible");
        assertThat(change.label()).isEqualTo(type);
    }

    // ---------------------------------------------------------------------------------------------------------
    // multi-action ALTER and multi-statement scripts

    static Stream<Arguments> multiActionAlters() {
        return Stream.of(
                arguments("ALTER TABLE t ADD COLUMN a int, DROP COLUMN b",
                        List.of(Kind.ADD_COLUMN, Kind.DROP_COLUMN), List.of(false, true)),
                arguments("ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text NOT NULL DEFAULT ''",
                        List.of(Kind.ADD_COLUMN, Kind.ADD_COLUMN), List.of(false, false)),
                arguments("ALTER TABLE t ALTER COLUMN a TYPE bigint, ALTER COLUMN b SET NOT NULL, RENAME COLUMN c TO d",
                        List.of(Kind.ALTER_TYPE, Kind.SET_NOT_NULL, Kind.RENAME_COLUMN), List.of(true, true, true)),
                arguments("ALTER TABLE t ADD COLUMN a int UNIQUE, ADD COLUMN b int NOT NULL",
                        List.of(Kind.ADD_COLUMN, Kind.ADD_NOT_NULL_COLUMN), List.of(false, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiActionAlters")
    void yieldsOneChangePerAlterAction(String sql, List<Kind> kinds, List<Boolean> breaking) {
        MigrationAnalysis analysis = policy.analyse(sql);

        assertThat(analysis.changes()).extracting(MigrationChange::kind).containsExactlyElementsOf(kinds);
        assertThat(analysis.changes()).extracting(MigrationChange::breaking).containsExactlyElementsOf(breaking);
        assertThat(analysis.changes()).extracting(MigrationChange::index).containsOnly(1);
        assertThat(analysis.changes()).extracting(MigrationChange::statement).containsOnly(sql);
        assertThat(analysis.breaking()).isEqualTo(breaking.contains(true));
        assertThat(analysis.statementCount()).isEqualTo(1);
    }

    @Test
    void summarisesMultiActionAlterPerBreakingAction() {
        MigrationAnalysis analysis = policy.analyse("ALTER TABLE t DROP COLUMN a, DROP COLUMN b, ADD COLUMN c int;");

        assertThat(analysis.summary()).isEqualTo("1 statement: 2 breaking (DROP COLUMN t.a, DROP COLUMN t.b)");
    }

    static Stream<Arguments> scripts() {
        return Stream.of(
                arguments("trailing semicolons and blank statements", "CREATE TABLE a (id int);;\n;\nDROP TABLE b;;",
                        List.of("CREATE TABLE a (id int)", "DROP TABLE b"), List.of(Kind.CREATE_TABLE, Kind.DROP_TABLE)),
                arguments("no final semicolon", "CREATE TABLE a (id int);\nDROP INDEX i",
                        List.of("CREATE TABLE a (id int)", "DROP INDEX i"), List.of(Kind.CREATE_TABLE, Kind.DROP_INDEX)),
                arguments("line and block comments", """
                        /* expand phase
                           for ticket 42; do not edit */
                        ALTER TABLE users ADD COLUMN email_verified BOOLEAN; -- new flag
                        -- backfill; idempotent
                        UPDATE users SET email_verified = verified /* ; inline */ WHERE email_verified IS NULL;
                        -- trailing comment without statement
                        """,
                        List.of("ALTER TABLE users ADD COLUMN email_verified BOOLEAN",
                                "UPDATE users SET email_verified = verified /* ; inline */ WHERE email_verified IS NULL"),
                        List.of(Kind.ADD_COLUMN, Kind.DATA)),
                arguments("semicolons inside literals, quoted identifiers and dollar quotes", """
                        INSERT INTO notes (body) VALUES ('a;b'), ('it''s; fine');
                        COMMENT ON TABLE "odd;name" IS 'x;y';
                        CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
                        """,
                        List.of("INSERT INTO notes (body) VALUES ('a;b'), ('it''s; fine')",
                                "COMMENT ON TABLE \"odd;name\" IS 'x;y'",
                                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql"),
                        List.of(Kind.DATA, Kind.OTHER, Kind.OTHER)),
                arguments("transaction wrapper", "BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;",
                        List.of("BEGIN", "CREATE INDEX CONCURRENTLY i ON t (a)", "COMMIT"),
                        List.of(Kind.OTHER, Kind.CREATE_INDEX, Kind.OTHER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void splitsScriptsIntoNumberedStatements(String name, String sql, List<String> statements, List<Kind> kinds) {
        MigrationAnalysis analysis = policy.analyse(sql);

        assertThat(analysis.changes()).extracting(MigrationChange::statement).containsExactlyElementsOf(statements);
        assertThat(analysis.changes()).extracting(MigrationChange::kind).containsExactlyElementsOf(kinds);
        assertThat(analysis.changes()).extracting(MigrationChange::index)
                .containsExactlyElementsOf(Stream.iterate(1, i -> i + 1).limit(statements.size()).toList());
    }

    @Test
    void summarisesAMixedScript() {
        MigrationAnalysis analysis = policy.analyse("""
                ALTER TABLE users ADD COLUMN email_verified BOOLEAN;
                UPDATE users SET email_verified = verified;
                ALTER TABLE users DROP COLUMN verified;
                DROP VIEW v;
                GRANT SELECT ON users TO bob;
                """);

        assertThat(analysis.breakingChanges()).extracting(MigrationChange::index).containsExactly(3, 4, 5);
        assertThat(analysis.summary())
                .isEqualTo("5 statements: 3 breaking (DROP COLUMN users.verified, DROP VIEW v, GRANT)");
    }

    @Test
    void abbreviatesLongStatementsTo200Characters() {
        String columns = String.join(", ", Stream.iterate(1, i -> i + 1).limit(60).map(i -> "c" + i + " int").toList());
        String sql = "CREATE TABLE wide (" + columns + ")";

        MigrationChange change = policy.analyse(sql).changes().get(0);

        assertThat(sql.length()).isGreaterThan(200);
        assertThat(change.statement()).hasSizeLessThanOrEqualTo(200).startsWith("CREATE TABLE wide (c1 int").endsWith("...");
    }

    // ---------------------------------------------------------------------------------------------------------
    // errors

    static Stream<Arguments> unparseableScripts() {
        return Stream.of(
                arguments("ALTER TABLE users ADD COLUMN a int;\nthis is not sql;", 2,
                        "Encountered unexpected token: \"this\""),
                arguments("CREATE TABLE a (id int);\n\n  DROP TABLE a, b;", 2, "at line 3, column 15"),
                arguments("ALTER TABLE users ADD COLUMN", 1, "Encountered unexpected token"),
                arguments("ALTER INDEX i RENAME TO j", 1, "not supported by the SQL parser"),
                arguments("SELECT 1;\nCREATE TYPE mood AS ENUM ('a', 'b');", 2, "\"ENUM\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unparseableScripts")
    void rejectsUnparseableStatementsNamingTheStatement(String sql, int statement, String fragment) {
        assertThatThrownBy(() -> policy.analyse(sql))
                .isInstanceOf(MigrationParseException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("migration.sql statement " + statement + " ")
                .hasMessageContaining(fragment)
                .hasMessageNotContaining("Was expecting")
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    assertThat(((MigrationParseException) e).statementNumber()).isEqualTo(statement);
                });
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n\t\n"})
    void rejectsEmptyInput(String sql) {
        assertThatThrownBy(() -> policy.analyse(sql))
                .isInstanceOf(MigrationParseException.class)
                .hasMessage("migration.sql is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-- nothing here", "/* nothing */ ;;", ";"})
    void rejectsScriptsWithoutStatements(String sql) {
        assertThatThrownBy(() -> policy.analyse(sql))
                .isInstanceOf(MigrationParseException.class)
                .hasMessageStartingWith("migration.sql is empty");
    }

    @Test
    void leavesNoParserThreadsBehindAfterParseErrors() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> policy.analyse("not sql")).isInstanceOf(MigrationParseException.class);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .filteredOn(thread -> thread.getName().equals("migration-sql-parser") && thread.isAlive())
                        .isEmpty());
    }
}

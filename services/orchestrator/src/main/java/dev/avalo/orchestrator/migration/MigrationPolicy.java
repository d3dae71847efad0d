package dev.avalo.orchestrator.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.avalo.orchestrator.migration.MigrationChange.Kind;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.SetStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Classifies the statements of a deployment's {@code migration.sql} (PostgreSQL dialect) as backward compatible with the stable
 * revision (safe for the "expand" phase, alongside canary traffic) or breaking (needs the two-phase expand/contract procedure
 * of the deployment strategy, "Database Migration Strategy").
 *
 * <h2>Rules</h2> Compatible: {@code ADD COLUMN} that is nullable or NOT NULL with a DEFAULT (or generated / serial),
 * {@code CREATE TABLE}, {@code CREATE [UNIQUE] INDEX [CONCURRENTLY]}, {@code CREATE [OR REPLACE] VIEW},
 * {@code CREATE SEQUENCE}, DML ({@code INSERT/UPDATE/DELETE/MERGE}, kind {@link Kind#DATA}), {@code COMMENT ON},
 * {@code DROP INDEX} (kind {@link Kind#DROP_INDEX}, with a performance note), {@code ALTER COLUMN ... DROP NOT NULL},
 * {@code ALTER COLUMN ... SET DEFAULT}, session {@code SET} and transaction control.
 * <p>
 * Breaking: {@code DROP TABLE}, {@code DROP COLUMN}, {@code RENAME} of a column or table,
 * {@code ALTER COLUMN ... TYPE / SET DATA TYPE}, {@code ALTER COLUMN ... SET NOT NULL}, {@code ADD COLUMN ... NOT NULL} without
 * DEFAULT, {@code TRUNCATE}, {@code DROP VIEW}, {@code DROP SEQUENCE} and every other DROP, added or dropped constraints,
 * {@code ALTER COLUMN ... DROP DEFAULT}. Anything else the parser accepts but this policy does not know (GRANT, CREATE
 * FUNCTION, SELECT, ...) is conservatively breaking with kind {@link Kind#OTHER}. A multi-action {@code ALTER TABLE} yields one
 * change per action.
 *
 * <h2>Pre-processing (JSqlParser 5.3 gaps)</h2> The script is split into statements by {@link SqlScript}
 * (comment/quote/dollar-quote aware) and each statement is parsed on its own with
 * {@link CCJSqlParserUtil#parseStatements(String, ExecutorService, java.util.function.Consumer)}, so errors name the exact
 * statement. Comments are blanked before parsing. Before parsing, these PostgreSQL constructs that JSqlParser 5.3 rejects are
 * rewritten by replacing keywords with blanks (offsets unchanged, so parser error positions still point into the original
 * script); the statement is still parsed and classified:
 * <ul>
 * <li>{@code CREATE [UNIQUE] INDEX CONCURRENTLY ...} and {@code DROP INDEX CONCURRENTLY ...}: the {@code CONCURRENTLY} keyword
 * is blanked (it changes locking, not the schema); the change reason mentions it. JSqlParser 5.3 rejects it in CREATE INDEX
 * entirely and in DROP INDEX when combined with {@code IF EXISTS}.</li>
 * <li>{@code ALTER TABLE ... ALTER COLUMN c SET DATA TYPE t}: {@code SET DATA} is blanked, leaving the equivalent
 * {@code ALTER COLUMN c TYPE t}.</li>
 * <li>{@code CREATE INDEX ... INCLUDE (...)} and the partial-index predicate {@code CREATE INDEX ... WHERE ...} are blanked
 * (they do not change compatibility); the reason mentions it.</li>
 * </ul>
 * {@code BEGIN}, {@code BEGIN TRANSACTION/WORK}, {@code START TRANSACTION} and {@code END}, which JSqlParser 5.3 cannot parse
 * as standalone statements, are recognised without the parser as transaction control (compatible). Statements JSqlParser
 * returns as {@link UnsupportedStatement} count as unparseable.
 * <p>
 * Each call uses its own daemon single-thread executor for the parser and shuts it down afterwards: the
 * {@code parseStatements(String)} convenience overload of JSqlParser 5.3 leaks a non-daemon thread whenever a statement fails
 * to parse.
 * <p>
 * Instances are stateless and thread-safe.
 */
public final class MigrationPolicy {

    static final int MAX_STATEMENT_LENGTH = 200;

    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern CREATE_INDEX = Pattern.compile("^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\b", FLAGS);
    private static final Pattern CONCURRENTLY = Pattern.compile(
            "^(?:CREATE\\s+(?:UNIQUE\\s+)?|DROP\\s+)INDEX\\s+(CONCURRENTLY)\\b", FLAGS);
    private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER\\s+TABLE\\b", FLAGS);
    private static final Pattern SET_DATA_TYPE = Pattern.compile("\\b(SET\\s+DATA\\s+)TYPE\\b", FLAGS);
    private static final Pattern INCLUDE = Pattern.compile("\\bINCLUDE\\s*\\(", FLAGS);
    private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b", FLAGS);
    private static final Pattern TRANSACTION_START = Pattern.compile(
            "^(?:BEGIN(?:\\s+(?:WORK|TRANSACTION))?(?:\\s+(?:ISOLATION|READ|NOT|DEFERRABLE)\\b.*)?"
                    + "|START\\s+TRANSACTION\\b.*|END(?:\\s+(?:WORK|TRANSACTION))?)$",
            FLAGS);
    private static final Pattern POSITION = Pattern.compile("at line (\\d+), column (\\d+)");

    /**
     * Parses and classifies {@code sql}.
     *
     * @throws MigrationParseException
     *             if {@code sql} is null/blank (message {@code "migration.sql is empty"}), or a statement cannot be parsed
     */
    public MigrationAnalysis analyse(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new MigrationParseException("migration.sql is empty");
        }
        List<SqlScript.Statement> statements = SqlScript.split(sql);
        if (statements.isEmpty()) {
            throw new MigrationParseException("migration.sql is empty (it contains only comments)");
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "migration-sql-parser");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<MigrationChange> changes = new ArrayList<>();
            for (SqlScript.Statement statement : statements) {
                changes.addAll(analyse(statement, executor));
            }
            return new MigrationAnalysis(changes);
        } finally {
            executor.shutdownNow();
        }
    }

    private List<MigrationChange> analyse(SqlScript.Statement source, ExecutorService executor) {
        String text = abbreviate(source.text());
        ChangeSink sink = new ChangeSink(source.number(), text);
        String code = source.code();
        if (TRANSACTION_START.matcher(code.strip()).matches()) {
            sink.compatible(Kind.OTHER, "transaction control statement; does not change the schema");
            return sink.changes;
        }

        char[] input = source.parseInput().toCharArray();
        boolean concurrently = false;
        boolean indexExtrasIgnored = false;
        Matcher concurrent = CONCURRENTLY.matcher(code);
        if (concurrent.find()) {
            concurrently = true;
            blank(input, concurrent.start(1), concurrent.end(1));
        }
        if (CREATE_INDEX.matcher(code).find()) {
            indexExtrasIgnored = blankIndexExtras(code, input);
        } else if (ALTER_TABLE.matcher(code).find()) {
            Matcher m = SET_DATA_TYPE.matcher(code);
            while (m.find()) {
                blank(input, m.start(1), m.end(1));
            }
        }

        Statements parsed;
        try {
            parsed = CCJSqlParserUtil.parseStatements(new String(input), executor, null);
        } catch (JSQLParserException e) {
            throw parseError(source, parserReason(e, source), e);
        }
        if (parsed == null || parsed.isEmpty()) {
            throw parseError(source, "the parser found no statement", null);
        }
        for (Statement statement : parsed) {
            if (statement instanceof UnsupportedStatement) {
                throw parseError(source, "statement is not supported by the SQL parser", null);
            }
            classify(statement, sink, concurrently, indexExtrasIgnored);
        }
        return sink.changes;
    }

    // ---------------------------------------------------------------------------------------------------------
    // classification

    private void classify(Statement statement, ChangeSink sink, boolean concurrently, boolean indexExtrasIgnored) {
        if (statement instanceof Alter alter) {
            classifyAlter(alter, sink);
        } else if (statement instanceof CreateTable create) {
            sink.compatible(Kind.CREATE_TABLE, "creates table " + name(create.getTable())
                    + "; a new table is invisible to the stable revision");
        } else if (statement instanceof CreateIndex create) {
            boolean unique = create.getIndex() != null && create.getIndex().getType() != null
                    && create.getIndex().getType().toUpperCase(Locale.ROOT).contains("UNIQUE");
            String index = create.getIndex() == null || create.getIndex().getName() == null
                    ? ""
                    : " " + create.getIndex().getName();
            sink.compatible(Kind.CREATE_INDEX, "creates " + (unique ? "unique " : "") + "index" + index + " on "
                    + name(create.getTable())
                    + (concurrently ? " concurrently" : " (without CONCURRENTLY, the build blocks writes to the table)")
                    + (unique ? "; existing and newly written rows must be unique" : "")
                    + (indexExtrasIgnored ? "; INCLUDE/WHERE clauses were not analysed" : ""));
        } else if (statement instanceof CreateView view) {
            sink.compatible(Kind.OTHER, "creates " + (view.isOrReplace() ? "or replaces " : "") + "view "
                    + name(view.getView()) + (view.isOrReplace()
                            ? "; PostgreSQL only lets CREATE OR REPLACE VIEW add columns, so existing readers keep working"
                            : "; a new view is invisible to the stable revision"));
        } else if (statement instanceof CreateSequence sequence) {
            sink.compatible(Kind.OTHER, "creates sequence " + sequence.getSequence().getFullyQualifiedName()
                    + "; a new sequence is invisible to the stable revision");
        } else if (statement instanceof Insert || statement instanceof Update || statement instanceof Delete
                || statement instanceof Merge || statement instanceof Upsert) {
            sink.compatible(Kind.DATA, "data change (" + typeName(statement)
                    + "), e.g. a backfill; does not change the schema");
        } else if (statement instanceof Comment comment) {
            sink.compatible(Kind.OTHER, "sets a comment on " + commentTarget(comment) + "; metadata only");
        } else if (statement instanceof Drop drop) {
            classifyDrop(drop, sink, concurrently);
        } else if (statement instanceof Truncate truncate) {
            List<Table> tables = truncate.getTables() != null && !truncate.getTables().isEmpty()
                    ? truncate.getTables()
                    : List.of(truncate.getTable());
            sink.breaking(Kind.TRUNCATE, "truncates " + (tables.size() == 1 ? "table " : "tables ")
                    + tables.stream().map(MigrationPolicy::name).collect(Collectors.joining(", "))
                    + ", deleting rows the stable revision still reads");
        } else if (statement instanceof Commit || statement instanceof RollbackStatement) {
            sink.compatible(Kind.OTHER, "transaction control statement; does not change the schema");
        } else if (statement instanceof SetStatement) {
            sink.compatible(Kind.OTHER, "session setting (SET); does not change the schema");
        } else {
            sink.breaking(Kind.OTHER, "statement type " + typeName(statement) + " is not known to be backward compatible");
        }
    }

    private void classifyAlter(Alter alter, ChangeSink sink) {
        String table = name(alter.getTable());
        List<AlterExpression> actions = alter.getAlterExpressions();
        if (actions == null || actions.isEmpty()) {
            sink.breaking(Kind.OTHER, "statement type ALTER TABLE without actions is not known to be backward compatible");
            return;
        }
        for (AlterExpression action : actions) {
            AlterOperation op = action.getOperation();
            if (op == AlterOperation.ADD) {
                classifyAdd(table, action, sink);
            } else if (op == AlterOperation.DROP) {
                if (action.getColumnName() != null) {
                    sink.breaking(Kind.DROP_COLUMN, "drops column " + table + "." + action.getColumnName()
                            + ", which the stable revision may still read");
                } else if (action.getConstraintName() != null) {
                    sink.breaking(Kind.DROP_OTHER, "drops constraint " + action.getConstraintName() + " on " + table
                            + ", which the stable revision may rely on (e.g. ON CONFLICT)");
                } else {
                    sink.breaking(Kind.DROP_OTHER, "drops object " + table + " (" + action
                            + "), which the stable revision may rely on");
                }
            } else if (op == AlterOperation.DROP_PRIMARY_KEY || op == AlterOperation.DROP_UNIQUE
                    || op == AlterOperation.DROP_FOREIGN_KEY) {
                sink.breaking(Kind.DROP_OTHER, "drops a key of table " + table + ", which the stable revision may rely on");
            } else if (op == AlterOperation.RENAME && action.getColumnOldName() != null) {
                sink.breaking(Kind.RENAME_COLUMN, "renames column " + table + "." + action.getColumnOldName() + " to "
                        + action.getColumnName() + "; the stable revision still uses the old name");
            } else if (op == AlterOperation.RENAME_TABLE) {
                sink.breaking(Kind.RENAME_TABLE, "renames table " + table + " to " + action.getNewTableName()
                        + "; the stable revision still uses the old name");
            } else if (op == AlterOperation.ALTER) {
                classifyAlterColumn(table, action, sink);
            } else {
                sink.breaking(Kind.OTHER, "statement type ALTER TABLE " + op + " (" + action
                        + ") is not known to be backward compatible");
            }
        }
    }

    private void classifyAdd(String table, AlterExpression action, ChangeSink sink) {
        List<AlterExpression.ColumnDataType> columns = action.getColDataTypeList();
        if (columns != null && !columns.isEmpty()) {
            for (AlterExpression.ColumnDataType column : columns) {
                String qualified = table + "." + column.getColumnName();
                List<String> specs = upper(column.getColumnSpecs());
                boolean notNull = containsSequence(specs, "NOT", "NULL") || containsSequence(specs, "PRIMARY", "KEY");
                boolean hasDefault = specs.contains("DEFAULT") || specs.contains("GENERATED")
                        || isSerial(column.getColDataType());
                if (notNull && !hasDefault) {
                    sink.breaking(Kind.ADD_NOT_NULL_COLUMN, "adds NOT NULL column " + qualified
                            + " without a DEFAULT; inserts from the stable revision, which does not set it, will fail");
                } else if (notNull) {
                    sink.compatible(Kind.ADD_COLUMN, "adds NOT NULL column " + qualified
                            + " with a DEFAULT; the stable revision can ignore it");
                } else {
                    sink.compatible(Kind.ADD_COLUMN, "adds nullable column " + qualified
                            + "; the stable revision can ignore it");
                }
            }
        } else if (action.getIndex() != null || action.getPkColumns() != null || action.getUkColumns() != null
                || action.getFkColumns() != null) {
            String constraint;
            if (action.getPkColumns() != null) {
                constraint = "primary key";
            } else if (action.getUkColumns() != null) {
                constraint = "unique constraint";
            } else if (action.getIndex() != null && action.getIndex().getName() != null) {
                constraint = "constraint " + action.getIndex().getName();
            } else {
                constraint = "a constraint";
            }
            sink.breaking(Kind.OTHER, "adds " + constraint + " to table " + table
                    + "; writes from the stable revision may violate it");
        } else {
            sink.breaking(Kind.OTHER, "statement type ALTER TABLE ADD (" + action
                    + ") is not known to be backward compatible");
        }
    }

    private void classifyAlterColumn(String table, AlterExpression action, ChangeSink sink) {
        List<AlterExpression.ColumnDataType> columns = action.getColDataTypeList();
        if (columns != null && !columns.isEmpty()) {
            for (AlterExpression.ColumnDataType column : columns) {
                String qualified = table + "." + column.getColumnName();
                ColDataType type = column.getColDataType();
                List<String> specs = upper(column.getColumnSpecs());
                String typeName = type == null || type.getDataType() == null ? null : type.getDataType();
                if (typeName == null && specs.equals(List.of("DROP", "NOT", "NULL"))) {
                    sink.compatible(Kind.OTHER, "drops NOT NULL from column " + qualified
                            + "; the constraint is only relaxed");
                } else if ("SET".equalsIgnoreCase(typeName) && specs.equals(List.of("NOT", "NULL"))) {
                    sink.breaking(Kind.SET_NOT_NULL, "sets column " + qualified
                            + " to NOT NULL; the stable revision may still write NULLs or omit it");
                } else if (typeName != null && !"SET".equalsIgnoreCase(typeName)) {
                    sink.breaking(Kind.ALTER_TYPE, "changes the type of column " + qualified + " to " + type
                            + "; the stable revision may read or write the old type");
                } else {
                    sink.breaking(Kind.OTHER, "statement type ALTER COLUMN (" + column
                            + ") is not known to be backward compatible");
                }
            }
        } else if (action.getColumnSetDefaultList() != null && !action.getColumnSetDefaultList().isEmpty()) {
            for (AlterExpression.ColumnSetDefault column : action.getColumnSetDefaultList()) {
                sink.compatible(Kind.OTHER, "sets the DEFAULT of column " + table + "." + column.getColumnName()
                        + "; only affects inserts that omit the column");
            }
        } else if (action.getColumnDropDefaultList() != null && !action.getColumnDropDefaultList().isEmpty()) {
            for (AlterExpression.ColumnDropDefault column : action.getColumnDropDefaultList()) {
                sink.breaking(Kind.OTHER, "drops the DEFAULT of column " + table + "." + column.getColumnName()
                        + "; inserts from the stable revision may rely on it");
            }
        } else if (action.getColumnDropNotNullList() != null && !action.getColumnDropNotNullList().isEmpty()) {
            for (AlterExpression.ColumnDropNotNull column : action.getColumnDropNotNullList()) {
                sink.compatible(Kind.OTHER, "drops NOT NULL from column " + table + "." + column.getColumnName()
                        + "; the constraint is only relaxed");
            }
        } else {
            sink.breaking(Kind.OTHER, "statement type ALTER TABLE ALTER (" + action
                    + ") is not known to be backward compatible");
        }
    }

    private void classifyDrop(Drop drop, ChangeSink sink, boolean concurrently) {
        String type = drop.getType() == null ? "OBJECT" : drop.getType().toUpperCase(Locale.ROOT);
        String object = name(drop.getName());
        switch (type) {
            case "TABLE" -> sink.breaking(Kind.DROP_TABLE, "drops table " + object
                    + ", which the stable revision may still read or write");
            case "INDEX" -> sink.compatible(Kind.DROP_INDEX, "drops index " + object
                    + (concurrently ? " concurrently" : "")
                    + "; not a schema incompatibility, but queries of the stable revision may slow down");
            default -> {
                String what = (drop.isMaterialized() ? "materialized " : "") + type.toLowerCase(Locale.ROOT);
                sink.breaking(Kind.DROP_OTHER, "drops " + what + " " + object
                        + ", which the stable revision may still use");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /** Blanks top-level {@code INCLUDE (...)} and a trailing {@code WHERE ...} of a CREATE INDEX. */
    private static boolean blankIndexExtras(String code, char[] input) {
        boolean changed = false;
        Matcher include = INCLUDE.matcher(code);
        while (include.find()) {
            if (depth(code, include.start()) == 0) {
                int close = matchingParen(code, include.end() - 1);
                blank(input, include.start(), close + 1);
                changed = true;
            }
        }
        Matcher where = WHERE.matcher(code);
        while (where.find()) {
            if (depth(code, where.start()) == 0) {
                blank(input, where.start(), input.length);
                changed = true;
                break;
            }
        }
        return changed;
    }

    private static int depth(String code, int position) {
        int depth = 0;
        for (int i = 0; i < position; i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
        }
        return depth;
    }

    private static int matchingParen(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return code.length() - 1;
    }

    private static void blank(char[] chars, int from, int to) {
        for (int i = from; i < Math.min(to, chars.length); i++) {
            if (chars[i] != '\n' && chars[i] != '\r') {
                chars[i] = ' ';
            }
        }
    }

    private static MigrationParseException parseError(SqlScript.Statement source, String reason, Throwable cause) {
        return new MigrationParseException("migration.sql statement " + source.number() + " (line " + source.line()
                + ") cannot be parsed: " + reason + " [" + abbreviate(source.text(), 80) + "]", source.number(), cause);
    }

    /** First line of the parser's message, with the position translated to script line/column. */
    private static String parserReason(JSQLParserException e, SqlScript.Statement source) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : String.valueOf(e.getMessage());
        String[] lines = message.strip().split("\\R");
        String first = lines[0].replaceFirst("^(?:[\\w.]+(?:Exception|Error): )+", "").strip();
        Matcher position = POSITION.matcher(message);
        if (position.find()) {
            int line = Integer.parseInt(position.group(1));
            int column = Integer.parseInt(position.group(2));
            int scriptLine = source.line() + line - 1;
            int scriptColumn = line == 1 ? source.column() + column - 1 : column;
            first = POSITION.matcher(first).replaceAll("").replaceAll("[\\s.,]+$", "");
            first += " at line " + scriptLine + ", column " + scriptColumn;
        }
        return first;
    }

    static String abbreviate(String text) {
        return abbreviate(text, MAX_STATEMENT_LENGTH);
    }

    private static String abbreviate(String text, int max) {
        String trimmed = text.strip();
        return trimmed.length() <= max ? trimmed : trimmed.substring(0, max - 3).stripTrailing() + "...";
    }

    private static String name(Table table) {
        return table == null ? "?" : table.getFullyQualifiedName();
    }

    private static String commentTarget(Comment comment) {
        if (comment.getColumn() != null) {
            return "column " + comment.getColumn().getFullyQualifiedName();
        }
        if (comment.getView() != null) {
            return "view " + name(comment.getView());
        }
        return "table " + name(comment.getTable());
    }

    /** {@code CreateFunction} -> {@code CREATE FUNCTION}; any SELECT -> {@code SELECT}. */
    private static String typeName(Statement statement) {
        if (statement instanceof Select) {
            return "SELECT";
        }
        return statement.getClass().getSimpleName()
                .replaceAll("Statement$", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2")
                .toUpperCase(Locale.ROOT);
    }

    private static List<String> upper(List<String> values) {
        return values == null ? List.of() : values.stream().map(v -> v.toUpperCase(Locale.ROOT)).toList();
    }

    private static boolean containsSequence(List<String> values, String first, String second) {
        for (int i = 0; i + 1 < values.size(); i++) {
            if (values.get(i).equals(first) && values.get(i + 1).equals(second)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSerial(ColDataType type) {
        return type != null && type.getDataType() != null
                && type.getDataType().toLowerCase(Locale.ROOT).matches("(small|big)?serial[248]?");
    }

    private static final class ChangeSink {
        private final int index;
        private final String statement;
        private final List<MigrationChange> changes = new ArrayList<>();

        ChangeSink(int index, String statement) {
            this.index = index;
            this.statement = statement;
        }

        void compatible(Kind kind, String reason) {
            changes.add(new MigrationChange(index, statement, kind, false, reason));
        }

        void breaking(Kind kind, String reason) {
            changes.add(new MigrationChange(index, statement, kind, true, reason));
        }
    }
}

package dev.avalo.orchestrator.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements at top-level semicolons, aware of {@code -- line} and nested
 * {@code /* block *}{@code /} comments, {@code '...'} / {@code E'...'} strings, {@code "..."} identifiers and
 * {@code $tag$...$tag$} dollar quotes.
 *
 * <p>
 * Each statement is kept in three position-aligned forms (same length, same offsets), so that parser error positions and regex
 * matches map back onto the original text:
 * <ul>
 * <li>{@code text}: the original text, from the first to the last character that is not whitespace or comment;</li>
 * <li>{@code parseInput}: the same with comments replaced by blanks (handed to JSqlParser);</li>
 * <li>{@code code}: the same with comments and the contents of strings, quoted identifiers and dollar quotes replaced by
 * blanks, used only to look for keywords.</li>
 * </ul>
 * Newlines are preserved in all three forms.
 */
final class SqlScript {

    /**
     * @param number
     *            1-based statement number, counting non-empty statements only
     * @param line
     *            1-based line of the statement's first character in the script
     * @param column
     *            1-based column of the statement's first character in the script
     */
    record Statement(int number, String text, String parseInput, String code, int line, int column) {
    }

    private SqlScript() {
    }

    static List<Statement> split(String sql) {
        int n = sql.length();
        char[] parse = sql.toCharArray();
        char[] code = sql.toCharArray();
        List<int[]> bounds = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                blank(parse, i, end);
                blank(code, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 0;
                int j = i;
                while (j < n) {
                    if (sql.startsWith("/*", j)) {
                        depth++;
                        j += 2;
                    } else if (sql.startsWith("*/", j)) {
                        depth--;
                        j += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        j++;
                    }
                }
                blank(parse, i, j);
                blank(code, i, j);
                i = j;
            } else if (c == '\'') {
                boolean backslashEscapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentifierChar(sql.charAt(i - 2)));
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (backslashEscapes && d == '\\') {
                        j += 2;
                    } else if (d == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
                        j += 2;
                    } else if (d == '\'') {
                        break;
                    } else {
                        j++;
                    }
                }
                j = Math.min(j, n - 1);
                blank(code, i + 1, j);
                i = j + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == '"' && j + 1 < n && sql.charAt(j + 1) == '"') {
                        j += 2;
                    } else if (sql.charAt(j) == '"') {
                        break;
                    } else {
                        j++;
                    }
                }
                j = Math.min(j, n - 1);
                blank(code, i + 1, j);
                i = j + 1;
            } else if (c == '$' && (i == 0 || !isIdentifierChar(sql.charAt(i - 1))) && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                int end = close < 0 ? n : close + tag.length();
                blank(code, tagEnd, close < 0 ? n : close);
                i = end;
            } else if (c == ';') {
                bounds.add(new int[]{start, i});
                blank(parse, i, i + 1);
                blank(code, i, i + 1);
                start = i + 1;
                i++;
            } else {
                i++;
            }
        }
        bounds.add(new int[]{start, n});

        List<Statement> statements = new ArrayList<>();
        for (int[] b : bounds) {
            int first = b[0];
            while (first < b[1] && Character.isWhitespace(parse[first])) {
                first++;
            }
            int last = b[1] - 1;
            while (last >= first && Character.isWhitespace(parse[last])) {
                last--;
            }
            if (first > last) {
                continue; // only whitespace and comments
            }
            int line = 1;
            int lineStart = 0;
            for (int k = 0; k < first; k++) {
                if (sql.charAt(k) == '\n') {
                    line++;
                    lineStart = k + 1;
                }
            }
            statements.add(new Statement(statements.size() + 1, sql.substring(first, last + 1),
                    new String(parse, first, last + 1 - first), new String(code, first, last + 1 - first),
                    line, first - lineStart + 1));
        }
        return statements;
    }

    /** If a dollar-quote tag ({@code $$} or {@code $tag$}) starts at {@code i}, its exclusive end, else -1. */
    private static int dollarTagEnd(String sql, int i) {
        int j = i + 1;
        if (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                j++;
            }
        }
        return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Replaces {@code [from, to)} by blanks, keeping line breaks. */
    private static void blank(char[] chars, int from, int to) {
        for (int k = Math.max(from, 0); k < Math.min(to, chars.length); k++) {
            if (chars[k] != '\n' && chars[k] != '\r') {
                chars[k] = ' ';
            }
        }
    }
}

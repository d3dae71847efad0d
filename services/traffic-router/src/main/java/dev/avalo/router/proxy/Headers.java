package dev.avalo.router.proxy;

import io.netty.util.AsciiString;

/** Header names, and reading one cookie without allocating more than its value. */
final class Headers {

    static final AsciiString X_AVALO_REVISION = AsciiString.cached("X-Avalo-Revision");

    private Headers() {
    }

    /** The value of cookie {@code name} in a {@code Cookie} header ({@code a=1; b=2}), or null. */
    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        int n = header.length();
        int i = 0;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > 0 && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
                int vs = eq + 1;
                int ve = end;
                while (ve > vs && header.charAt(ve - 1) == ' ') {
                    ve--;
                }
                if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
                    vs++;
                    ve--;
                }
                return header.substring(vs, ve);
            }
            i = end + 1;
        }
        return null;
    }
}

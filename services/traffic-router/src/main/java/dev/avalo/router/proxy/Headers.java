package dev.avalo.router.proxy;

import java.util.Iterator;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/** Header names and the header work of the hot path: hop-by-hop removal and reading one cookie, without allocating. */
final class Headers {

    static final AsciiString X_AVALO_REVISION = AsciiString.cached("X-Avalo-Revision");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
    static final AsciiString HTTP = AsciiString.cached("http");

    private Headers() {
    }

    /**
     * Removes the hop-by-hop headers (RFC 9110 §7.6.1): {@code Connection} and every header it lists, {@code Keep-Alive},
     * {@code Proxy-*}, {@code TE}, {@code Trailer}, {@code Upgrade}. {@code Transfer-Encoding} stays: the codec frames the
     * forwarded message the same way it was received. One pass over the headers; nothing is removed (or allocated) in the
     * common case where only {@code Connection: keep-alive} is present.
     */
    static void removeHopByHop(HttpHeaders headers) {
        String connection = null;
        boolean other = false;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (name.length() == 10 && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                CharSequence value = e.getValue();
                if (!(value.length() == 10 && AsciiString.contentEqualsIgnoreCase(value, "keep-alive"))
                        && !(value.length() == 5 && AsciiString.contentEqualsIgnoreCase(value, "close"))) {
                    connection = value.toString();
                }
            } else if (isHopByHop(name)) {
                other = true;
            }
        }
        headers.remove(HttpHeaderNames.CONNECTION);
        if (other) {
            headers.remove(HttpHeaderNames.KEEP_ALIVE);
            headers.remove(HttpHeaderNames.TE);
            headers.remove(HttpHeaderNames.TRAILER);
            headers.remove(HttpHeaderNames.UPGRADE);
            headers.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
            headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
            headers.remove("Proxy-Connection");
        }
        if (connection != null) {
            for (String token : connection.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !t.equalsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING.toString())) {
                    headers.remove(t);
                }
            }
        }
    }

    static boolean isHopByHop(CharSequence name) {
        switch (name.length()) {
            case 2 :
                return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE);
            case 7 :
                return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
                        || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER);
            case 10 :
                return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE);
            default :
                return name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6);
        }
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

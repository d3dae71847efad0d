package dev.avalo.contracts;

import java.util.regex.Pattern;

/**
 * Service and environment names are DNS labels, so they are safe NATS subject tokens and KV keys.
 */
public final class DnsLabel {

    /** RFC 1123 label, lower case: {@code [a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?}. */
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private DnsLabel() {
    }

    /** True when {@code value} is a DNS label. */
    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    /**
     * Returns {@code value} when it is a DNS label.
     *
     * @throws InvalidNameException
     *             naming {@code field} otherwise
     */
    public static String require(String field, String value) {
        if (!isValid(value)) {
            throw new InvalidNameException(field, value);
        }
        return value;
    }

    /** A name that is not a DNS label; carries the offending field for an RFC 9457 problem. */
    public static final class InvalidNameException extends IllegalArgumentException {
        private final String field;

        public InvalidNameException(String field, String value) {
            super(field + " must be a DNS label ([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?), got "
                    + (value == null ? "nothing" : "'" + value + "'"));
            this.field = field;
        }

        /** The JSON field or subject token that held the bad name. */
        public String field() {
            return field;
        }
    }
}

// @@HEADER@@
package @@PACKAGE@@;

/** The event names an {@code event_type} this revision does not define: a tolerant reader skips it. */
public final class UnknownEventTypeException extends DecodeException {
    private static final long serialVersionUID = 1L;

    UnknownEventTypeException(String rule, String pointer, String detail) {
        super(rule, pointer, detail);
    }
}

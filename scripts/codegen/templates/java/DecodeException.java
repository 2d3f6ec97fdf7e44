// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * The input is not a valid event: the rule id, the JSON Pointer of the offending value ({@code ""}
 * for the whole input) and a sentence in JSON terms. It is what both {@link VrpEvents#decode} and
 * a plain {@code ObjectMapper.readValue(text, VrpEvent.class)} throw.
 */
public class DecodeException extends JsonMappingException {
    private static final long serialVersionUID = 1L;
    private final String rule;
    private final String pointer;
    private final String detail;

    DecodeException(String rule, String pointer, String detail) {
        super(null, rule + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + detail);
        this.rule = rule;
        this.pointer = pointer;
        this.detail = detail;
    }

    static DecodeException of(String rule, String pointer, String detail) {
        return Strict.UNKNOWN_EVENT_TYPE.equals(rule)
                ? new UnknownEventTypeException(rule, pointer, detail)
                : new DecodeException(rule, pointer, detail);
    }

    /** The rule id ({@code schema.required}, {@code schema.type}, {@code input.not-json}...). */
    public String rule() {
        return rule;
    }

    /** The JSON Pointer of the offending value. */
    public String pointer() {
        return pointer;
    }

    /** The sentence alone. */
    public String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        return rule + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + detail;
    }
}

// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict checker: a small interpreter of the revision's check plan ({@code plan.json},
 * generated from the schema by scripts/codegen/plan.py). The Python, TypeScript, Go and Rust
 * bindings interpret the same plan in the same order, so all five report the same rule id, JSON
 * Pointer and message for the same input.
 */
final class Strict {
    static final String UNKNOWN_EVENT_TYPE = "schema.unknown-event-type";
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /**
     * The parser's limits are those of the Python reference: 1,024 nested arrays and objects
     * (orjson) and strings and numbers as long as a line may be ({@code validate
     * --max-line-bytes}, 64 MiB); Jackson's defaults (1,000 levels, 20 MB strings, numbers of
     * 1,000 characters) would refuse valid events Python reads.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(1024)
                    .maxStringLength(64 << 20)
                    .maxNumberLength(64 << 20)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(1024).build())
            .build();
    private static final JsonNode PLAN = loadPlan();

    private Strict() {}

    private static JsonNode loadPlan() {
        try (InputStream in = Strict.class.getResourceAsStream("plan.json")) {
            if (in == null) {
                throw new IllegalStateException("plan.json is missing next to " + Strict.class.getName());
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("the embedded plan.json is broken: " + e.getMessage(), e);
        }
    }

    // ---- JSON text -> tree: exact numbers, duplicate keys refused ----------------------------

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    static JsonNode parse(byte[] input) throws DecodeException {
        return parse(input, null);
    }

    /**
     * The UTF-8 bytes of a Java string, a lone surrogate written as its own three bytes (Python's
     * {@code surrogatepass}, what {@code typed.decode} sees of such a str): the parser then
     * refuses it as {@code input.not-utf8}, where {@code getBytes} would write a {@code ?}.
     */
    static byte[] bytesOf(String text) {
        boolean lone = false;
        for (int i = 0; i < text.length() && !lone; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else {
                lone = Character.isSurrogate(c);
            }
        }
        if (!lone) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) { // a lone surrogate too
                out.write(0xE0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3F);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /** The JSON Pointer of the first NaN or infinite number in a tree, or null. */
    static String nonFinite(JsonNode node, String ptr) {
        if (node.isFloatingPointNumber() && !node.isBigDecimal() && !Double.isFinite(node.doubleValue())) {
            return ptr.isEmpty() ? "/" : ptr;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String found = nonFinite(e.getValue(), ptr + "/" + escape(e.getKey()));
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nonFinite(node.get(i), ptr + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * The strict parser. With {@code repeated} null a repeated key is the error (decode's
     * verdict); else a repeated key reads as its last occurrence and its problem is added to
     * {@code repeated}, in decode's order (a session checker folds such a line, as {@code
     * vrp-contract validate} does).
     */
    static JsonNode parse(byte[] input, List<DecodeException> repeated) throws DecodeException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(input);
        CoderResult result = utf8.decode(bytes, CharBuffer.allocate(input.length + 1), true);
        if (result.isError()) {
            int at = bytes.position();
            throw new DecodeException("input.not-utf8", "", String.format(
                    "The input is not valid UTF-8: byte 0x%02x at byte offset %d cannot be decoded.",
                    input[at] & 0xff, at));
        }
        String text = new String(input, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
        if (text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r' || c == '\n')) { // JSON whitespace only
            throw new DecodeException("input.blank-line", "", "The input is blank; JSON Lines holds one event per line.");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new DecodeException("input.not-json", "", "The input is not valid JSON: no value.");
            }
            JsonNode value = read(p, "", repeated);
            if (p.nextToken() != null) {
                throw new DecodeException("input.not-json", "", "The input is not valid JSON: unexpected text after the value.");
            }
            return value;
        } catch (DecodeException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new DecodeException("input.not-json", "", "The input is not valid JSON: " + e.getOriginalMessage() + ".");
        } catch (IOException e) {
            throw new DecodeException("input.not-json", "", "The input cannot be read: " + e.getMessage() + ".");
        }
    }

    /** Read the value at the parser's current token (also what the Jackson deserializer calls). */
    static JsonNode read(JsonParser p, String ptr) throws IOException {
        return read(p, ptr, null);
    }

    /** {@link #read(JsonParser, String)}; a repeated key is listed in {@code repeated} if given. */
    static JsonNode read(JsonParser p, String ptr, List<DecodeException> repeated) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT: {
                ObjectNode obj = NODES.objectNode();
                Map<String, Integer> counts = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = wellFormed(p.currentName());
                    p.nextToken();
                    obj.set(key, read(p, ptr + "/" + escape(key), repeated));
                    counts.merge(key, 1, Integer::sum);
                }
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    if (e.getValue() > 1) {
                        DecodeException problem = new DecodeException("input.duplicate-key", ptr + "/" + escape(e.getKey()),
                                "The key '" + e.getKey() + "' appears " + e.getValue()
                                        + " times in one object; JSON parsers disagree on which value wins, so the event is ambiguous.");
                        if (repeated == null) {
                            throw problem;
                        }
                        repeated.add(problem);
                    }
                }
                return obj;
            }
            case START_ARRAY: {
                ArrayNode arr = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    arr.add(read(p, ptr + "/" + arr.size(), repeated));
                }
                return arr;
            }
            case VALUE_STRING:
                return NODES.textNode(wellFormed(p.getText()));
            case VALUE_NUMBER_INT:
                return NODES.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new DecodeException("input.not-json", ptr, "The input is not valid JSON: unexpected " + token + ".");
        }
    }

    /** A string with a lone surrogate (from a \\u escape) is no Unicode text: refuse it. */
    private static String wellFormed(String s) throws DecodeException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new DecodeException("input.not-utf8", "", String.format(
                        "The input is not valid Unicode: the escape \\u%04x is a lone surrogate, which no UTF-8 text can hold.",
                        (int) c));
            }
        }
        return s;
    }

    // ---- the interpreter ---------------------------------------------------------------------

    static String kind(JsonNode v) {
        if (v.isNull()) return "null";
        if (v.isBoolean()) return "boolean";
        if (v.isTextual()) return "string";
        if (v.isIntegralNumber()) return "integer";
        if (v.isNumber()) return "number";
        if (v.isArray()) return "array";
        return "object";
    }

    /**
     * A number as the Python reference reads it: an integer literal exactly, one written with a
     * fraction or an exponent as a 64-bit float (2000.000000000000000001 is 2000.0,
     * 9223372036854775807.0 is 2^63). Null past the range of a double (infinity).
     */
    static BigDecimal value(JsonNode v) {
        if (v.isIntegralNumber()) return new BigDecimal(v.bigIntegerValue());
        double d = asDouble(v);
        return Double.isInfinite(d) ? null : new BigDecimal(d);
    }

    /** The 64-bit float of a number (correctly rounded, infinite past the range). */
    static double asDouble(JsonNode v) {
        return Double.parseDouble(v.decimalValue().toString());
    }

    /** Compares a number with {@code other} (or with {@code otherDouble} when other is null). */
    private static int compare(JsonNode v, BigDecimal other, double otherDouble) {
        BigDecimal mine = value(v);
        if (mine != null && other != null) return mine.compareTo(other);
        return Double.compare(mine == null ? asDouble(v) : mine.doubleValue(),
                other == null ? otherDouble : other.doubleValue());
    }

    /** A float as Python's repr writes it: shortest digits, scientific below 1e-4 and from 1e16. */
    static String pyFloat(double d) {
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal exact = new BigDecimal(d);
        BigDecimal r = exact;
        for (int p = 1; p <= 17; p++) {
            r = exact.round(new java.math.MathContext(p));
            if (Double.parseDouble(r.toString()) == d) break;
        }
        r = r.stripTrailingZeros();
        String digits = r.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - r.scale();
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        String plain = r.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static boolean isType(JsonNode v, String name) {
        String k = kind(v);
        if (name.equals("number")) return k.equals("integer") || k.equals("number");
        if (name.equals("integer") && k.equals("number")) {
            BigDecimal d = value(v); // null past the range of a double: infinity, not an integer
            return d != null && (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0);
        }
        return k.equals(name);
    }

    private static String dumpString(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", c));
                    else out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    /** The value as Python's json.dumps writes it (the reference messages). */
    static String dumps(JsonNode v) {
        switch (kind(v)) {
            case "null": return "null";
            case "boolean": return v.booleanValue() ? "true" : "false";
            case "string": return dumpString(v.textValue());
            case "integer": return v.bigIntegerValue().toString();
            case "number": {
                double d = asDouble(v);
                if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
                return pyFloat(d);
            }
            case "array": {
                List<String> parts = new ArrayList<>();
                v.forEach(item -> parts.add(dumps(item)));
                return "[" + String.join(", ", parts) + "]";
            }
            default: {
                List<String> parts = new ArrayList<>();
                v.fields().forEachRemaining(e -> parts.add(dumpString(e.getKey()) + ": " + dumps(e.getValue())));
                return "{" + String.join(", ", parts) + "}";
            }
        }
    }

    private static String show(JsonNode v) {
        String text = dumps(v);
        if (text.codePointCount(0, text.length()) <= 60) return text;
        return text.substring(0, text.offsetByCodePoints(0, 57)) + "...";
    }

    private static String got(JsonNode v) {
        String article;
        switch (kind(v)) {
            case "null": return "got null";
            case "object": article = "an object"; break;
            case "array": article = "an array"; break;
            case "string": article = "a string"; break;
            case "boolean": article = "a boolean"; break;
            case "integer": article = "an integer"; break;
            default: article = "a number";
        }
        return "got " + article + " " + show(v);
    }

    private static String field(String ptr) {
        return ptr.isEmpty() ? "the event" : "field " + ptr;
    }

    private static boolean jsonEqual(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return compare(a, value(b) == null ? null : value(b), asDouble(b)) == 0;
        if (!kind(a).equals(kind(b))) return false;
        if (a.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!jsonEqual(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) return false;
            for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!b.has(k) || !jsonEqual(a.get(k), b.get(k))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static DecodeException problem(String rule, String ptr, String message) {
        return DecodeException.of(rule, ptr, message);
    }

    static DecodeException notObject(JsonNode value) {
        String k = kind(value).equals("integer") ? "number" : kind(value);
        return problem("input.not-object", "", "The value is a JSON " + k + ", not an event object.");
    }

    /** The first problem of a parsed value, or null when it is a valid event. */
    static DecodeException check(JsonNode value) {
        if (!value.isObject()) {
            return notObject(value);
        }
        JsonNode node = PLAN.get("envelope");
        String subject = "the event";
        JsonNode et = value.get("event_type");
        if (et != null && et.isTextual() && PLAN.get("variants").has(et.textValue())) {
            node = PLAN.get("variants").get(et.textValue());
            subject = "the " + et.textValue() + " event";
        }
        return walk(node, value, "", subject);
    }

    /**
     * {@link #check(JsonNode)}, then, for a read into one event class: an event of another type is
     * {@code schema.const} at {@code /event_type}.
     */
    static DecodeException checkAs(JsonNode value, String tag) {
        DecodeException problem = check(value);
        if (problem != null) return problem;
        JsonNode et = value.get("event_type");
        if (et == null || (et.isTextual() && et.textValue().equals(tag))) return null;
        return problem("schema.const", "/event_type",
                "The " + field("/event_type") + " must be '" + tag + "'; " + got(et) + ".");
    }

    private static DecodeException walk(JsonNode node, JsonNode inst, String ptr, String subject) {
        for (JsonNode pair : node) {
            if (!pair.get(0).textValue().equals("type")) continue;
            JsonNode arg = pair.get(1);
            List<String> names = new ArrayList<>();
            if (arg.isArray()) arg.forEach(n -> names.add(n.textValue()));
            else names.add(arg.textValue());
            if (names.stream().noneMatch(n -> isType(inst, n))) {
                String expected = String.join(" or ", names);
                String article = "aeiou".indexOf(expected.charAt(0)) >= 0 ? "an" : "a";
                return problem("schema.type", ptr, "The " + field(ptr) + " must be " + article + " " + expected + ", " + got(inst) + ".");
            }
        }
        String k = kind(inst);
        for (JsonNode pair : node) {
            String kw = pair.get(0).textValue();
            JsonNode arg = pair.get(1);
            DecodeException found = null;
            if (kw.equals("properties") && inst.isObject()) {
                for (JsonNode prop : arg) {
                    String name = prop.get(0).textValue();
                    if (inst.has(name)) {
                        found = walk(prop.get(1), inst.get(name), ptr + "/" + escape(name), subject);
                        if (found != null) break;
                    }
                }
            } else if (kw.equals("required") && inst.isObject()) {
                for (JsonNode n : arg) {
                    String name = n.textValue();
                    if (!inst.has(name)) {
                        String scope = ptr.isEmpty() ? subject : ptr + " of " + subject;
                        found = problem("schema.required", ptr + "/" + escape(name),
                                "Required property '" + name + "' is missing from " + scope + ".");
                        break;
                    }
                }
            } else if (kw.equals("additionalProperties") && inst.isObject()) {
                List<String> allowed = new ArrayList<>();
                for (JsonNode p : node) {
                    if (p.get(0).textValue().equals("properties")) p.get(1).forEach(prop -> allowed.add(prop.get(0).textValue()));
                }
                for (Iterator<String> it = inst.fieldNames(); it.hasNext() && found == null;) {
                    String key = it.next();
                    if (allowed.contains(key)) continue;
                    if (arg.isBoolean()) {
                        String where = ptr.isEmpty() ? "at the top level of the event" : "in " + ptr;
                        String hint = ptr.isEmpty() ? "; extensions belong in details" : "";
                        found = problem("schema.additionalProperties", ptr + "/" + escape(key),
                                "Property '" + key + "' is not allowed " + where + " (allowed: " + String.join(", ", allowed) + ")" + hint + ".");
                    } else {
                        found = walk(arg, inst.get(key), ptr + "/" + escape(key), subject);
                    }
                }
            } else if (kw.equals("enum")) {
                boolean ok = false;
                List<String> words = new ArrayList<>();
                for (JsonNode option : arg) {
                    ok = ok || jsonEqual(inst, option);
                    words.add(option.isTextual() ? option.textValue() : dumps(option));
                }
                if (!ok) {
                    if (ptr.equals("/event_type")) {
                        List<String> types = new ArrayList<>();
                        PLAN.get("event_types").forEach(t -> types.add(t.textValue()));
                        found = problem(UNKNOWN_EVENT_TYPE, ptr, "Unknown event_type " + show(inst) + ": revision "
                                + PLAN.get("revision").textValue() + " defines " + String.join(", ", types) + ".");
                    } else {
                        found = problem("schema.enum", ptr, "The " + field(ptr) + " must be one of " + String.join(", ", words) + "; " + got(inst) + ".");
                    }
                }
            } else if (kw.equals("const") && !jsonEqual(inst, arg)) {
                String want = arg.isTextual() ? "'" + arg.textValue() + "'" : dumps(arg);
                found = problem("schema.const", ptr, "The " + field(ptr) + " must be " + want + "; " + got(inst) + ".");
            } else if ((kw.equals("minLength") || kw.equals("maxLength")) && k.equals("string")) {
                int n = inst.textValue().codePointCount(0, inst.textValue().length());
                int limit = arg.intValue();
                boolean min = kw.equals("minLength");
                if (min ? n < limit : n > limit) {
                    found = min && limit == 1
                            ? problem("schema.minLength", ptr, "The " + field(ptr) + " must be a non-empty string.")
                            : problem("schema." + kw, ptr, "The " + field(ptr) + " must be " + (min ? "at least" : "at most") + " "
                                    + limit + " characters long, " + got(inst) + ".");
                }
            } else if (kw.matches("minimum|maximum|exclusiveMinimum|exclusiveMaximum") && inst.isNumber()) {
                int c = compare(inst, new BigDecimal(arg.textValue()), 0);
                String words;
                boolean ok;
                switch (kw) {
                    case "minimum": words = "at least"; ok = c >= 0; break;
                    case "maximum": words = "at most"; ok = c <= 0; break;
                    case "exclusiveMinimum": words = "greater than"; ok = c > 0; break;
                    default: words = "less than"; ok = c < 0;
                }
                if (!ok) {
                    found = problem("schema." + kw, ptr, "The " + field(ptr) + " must be " + words + " " + arg.textValue() + ", " + got(inst) + ".");
                }
            } else if (kw.equals("items") && inst.isArray()) {
                for (int i = 0; i < inst.size() && found == null; i++) {
                    found = walk(arg, inst.get(i), ptr + "/" + i, subject);
                }
            } else if ((kw.equals("minItems") && inst.isArray() && inst.size() < arg.intValue())
                    || (kw.equals("maxItems") && inst.isArray() && inst.size() > arg.intValue())) {
                found = problem("schema." + kw, ptr, "The " + field(ptr) + " is invalid (" + kw + "): " + kw + " " + arg.intValue() + "; " + got(inst) + ".");
            }
            if (found != null) return found;
        }
        return null;
    }
}

// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * Strict decoding and encoding of the events of contract revision @@REV@@.
 *
 * <p>{@link #decode(String)} is the entry point: JSON text in, the event's class out, or one
 * {@link DecodeException} with the rule id, the JSON Pointer and a sentence
 * ({@link UnknownEventTypeException} for an event type this revision does not define). A plain
 * {@code new ObjectMapper().readValue(text, VrpEvent.class)} gives the same verdicts on the event
 * (the {@link VrpEvent} interface names the strict deserializer; only text that is not JSON at all
 * fails earlier, in Jackson's parser, with its own {@code JsonParseException}), but not on the text
 * around it: the mapper's own parser accepts trailing data, a byte order mark and invalid UTF-8,
 * and has Jackson's default limits. Read untrusted text with {@link #decode(byte[])}. Each event class
 * is as strict read alone: {@code readValue(text, PathSelected.class)} and
 * {@link #decode(String, Class)} give decode's verdict, and refuse an event of another type as
 * {@code schema.const} at {@code /event_type}. {@link #encode(VrpEvent)} refuses what decode
 * refuses.
 */
public final class VrpEvents {
    /** The contract revision of these classes (the artifact version is revision.release). */
    public static final String REVISION = "@@REV@@";

    private static final Map<String, Class<? extends VrpEvent>> CLASSES = Map.ofEntries(
@@CLASSES@@
    );
    private static final Map<Class<? extends VrpEvent>, String> TAGS = Map.ofEntries(
@@TAGS@@
    );
    /** Binds checked trees: each event class's strict deserializer is mixed out (bean binding). */
    private static final ObjectMapper MAPPER = JsonMapper.builder(Strict.FACTORY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule().addDeserializer(Long.class, new WholeFloat()))
@@MIXINS@@
            .build();

    /**
     * An integer field (a {@code Long}, such as {@code ts_ms}) written as a whole-number float
     * ({@code 2000.0}, {@code 9.2233720368547748e18}) holds the 64-bit float's value, as the Python
     * reference reads it; the check accepted it first.
     */
    private static final class WholeFloat extends StdDeserializer<Long> {
        private static final long serialVersionUID = 1L;

        WholeFloat() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT) {
                return Strict.value(ctxt.readTree(p)).longValueExact();
            }
            return p.getLongValue();
        }
    }

    /** The mix-in that gives an event class back Jackson's own bean deserializer. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    private abstract static class Unchecked {}

    private VrpEvents() {}

    /** Decode one event from JSON text: the strict entry point. */
    public static VrpEvent decode(String json) throws DecodeException {
        return decode(Strict.bytesOf(json));
    }

    /** Decode one event from UTF-8 bytes. */
    public static VrpEvent decode(byte[] json) throws DecodeException {
        return bind(Strict.parse(json));
    }

    /**
     * Decode one event of one type from JSON text: decode's verdict, and an event of another type
     * is refused as {@code schema.const} at {@code /event_type}.
     */
    public static <T extends VrpEvent> T decode(String json, Class<T> type) throws DecodeException {
        return bindAs(Strict.parse(Strict.bytesOf(json)), type);
    }

    /**
     * An event as {@link #encode} writes it, unchecked, as a tree: its {@code event_type} is its
     * class's, whatever its field holds (what a session checker judges).
     */
    static ObjectNode treeOf(VrpEvent event) {
        ObjectNode tree = MAPPER.valueToTree(event);
        tree.put("event_type", TAGS.get(event.getClass()));
        return tree;
    }

    /** The first problem of one JSON input, or null when it is a valid event of this revision. */
    public static DecodeException check(byte[] json) {
        try {
            return Strict.check(Strict.parse(json));
        } catch (DecodeException e) {
            return e;
        }
    }

    static VrpEvent bind(JsonNode tree) throws DecodeException {
        DecodeException problem = Strict.check(tree);
        if (problem != null) {
            throw problem;
        }
        return unchecked(tree, CLASSES.get(tree.get("event_type").textValue()));
    }

    static <T extends VrpEvent> T bindAs(JsonNode tree, Class<T> type) throws DecodeException {
        DecodeException problem = Strict.checkAs(tree, TAGS.get(type));
        if (problem != null) {
            throw problem;
        }
        return unchecked(tree, type);
    }

    private static <T extends VrpEvent> T unchecked(JsonNode tree, Class<T> type) throws DecodeException {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (IOException e) {
            throw new DecodeException("input.not-json", "", "The event passed the plan but its class refused it: " + e.getMessage());
        }
    }

    /**
     * Encode an event as compact JSON text. The class fixes {@code event_type}; an event that
     * decode would refuse (an empty session id, a missing details key...) gives an
     * {@link EncodeException} with the same rule, pointer and sentence.
     */
    public static String encode(VrpEvent event) throws EncodeException {
        if (event == null) {
            throw new EncodeException(new DecodeException("input.not-object", "", "The value is a JSON null, not an event object."));
        }
        ObjectNode tree;
        try {
            tree = MAPPER.valueToTree(event);
        } catch (IllegalArgumentException e) { // a value Jackson cannot write (a cycle, a bean...)
            String why = e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() // without the reference chain (a cycle's is endless)
                    : e.getMessage();
            throw new EncodeException(DecodeException.of("input.not-json", "",
                    "The event cannot be written as JSON: " + why + "."));
        }
        String nonFinite = Strict.nonFinite(tree, "");
        if (nonFinite != null) { // Jackson would write NaN or Infinity as a string
            throw new EncodeException(DecodeException.of("input.not-json", "",
                    "The event cannot be written as JSON: the number at " + nonFinite
                            + " is not finite (NaN or Infinity), which JSON cannot hold."));
        }
        tree.put("event_type", TAGS.get(event.getClass()));
        String text;
        try { // with the reader's limits: what decode reads, encode writes (1,024 levels)
            text = MAPPER.writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new EncodeException(DecodeException.of("input.not-json", "",
                    "The event cannot be written as JSON: " + e.getOriginalMessage() + "."));
        }
        try { // the bytes keep a lone surrogate as such (refused as input.not-utf8), never as '?'
            DecodeException problem = Strict.check(Strict.parse(Strict.bytesOf(text)));
            if (problem != null) {
                throw new EncodeException(problem);
            }
        } catch (EncodeException e) {
            throw e;
        } catch (DecodeException e) {
            throw new EncodeException(e);
        }
        return text;
    }

    /** The strict deserializer the {@link VrpEvent} interface names (plain ObjectMapper reads). */
    public static final class Deserializer extends StdDeserializer<VrpEvent> {
        private static final long serialVersionUID = 1L;

        /** Jackson instantiates it through {@code @JsonDeserialize}. */
        public Deserializer() {
            super(VrpEvent.class);
        }

        @Override
        public VrpEvent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return bind(Strict.read(p, ""));
        }

        /** A JSON {@code null} is no event either (Jackson would otherwise return null). */
        @Override
        public VrpEvent getNullValue(DeserializationContext ctxt) throws DecodeException {
            throw new DecodeException("input.not-object", "", "The value is a JSON null, not an event object.");
        }
    }

    /** The strict deserializer of one event class (its {@code @JsonDeserialize} names it). */
    abstract static class Typed<T extends VrpEvent> extends StdDeserializer<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;

        Typed(Class<T> type) {
            super(type);
            this.type = type;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return bindAs(Strict.read(p, ""), type);
        }

        /** A JSON {@code null} is no event either (Jackson would otherwise return null). */
        @Override
        public T getNullValue(DeserializationContext ctxt) throws DecodeException {
            throw new DecodeException("input.not-object", "", "The value is a JSON null, not an event object.");
        }
    }
@@DESERIALIZERS@@
}

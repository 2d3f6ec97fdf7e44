// @@HEADER@@
package @@PACKAGE@@;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** This artifact's own test, runnable wherever it is vendored: every vector in vectors.json. */
class VectorsTest {
    private static final ObjectMapper PLAIN = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static JsonNode vectors() throws IOException {
        try (InputStream in = VrpEvents.class.getResourceAsStream("vectors.json")) {
            return PLAIN.readTree(in);
        }
    }

    @TestFactory
    List<DynamicTest> validVectorsRoundTripExactly() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : vectors().get("valid")) {
            String text = v.get("text").textValue();
            tests.add(DynamicTest.dynamicTest(v.get("name").textValue(), () -> {
                VrpEvent event = VrpEvents.decode(text);
                String out = VrpEvents.encode(event);
                assertEquals(PLAIN.readTree(text), PLAIN.readTree(out));
                // a plain ObjectMapper reads the same event
                assertEquals(event, new ObjectMapper().readValue(text, VrpEvent.class));
            }));
        }
        assertTrue(!tests.isEmpty());
        return tests;
    }

    @TestFactory
    List<DynamicTest> invalidVectorsRefusedWithRuleAndPointer() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : vectors().get("invalid")) {
            String text = v.get("text").textValue();
            String rule = v.get("rule").textValue();
            tests.add(DynamicTest.dynamicTest(v.get("name").textValue(), () -> {
                DecodeException e = assertThrows(DecodeException.class, () -> VrpEvents.decode(text));
                assertEquals(rule, e.rule(), e.getMessage());
                assertEquals(v.get("pointer").textValue(), e.pointer(), e.getMessage());
                assertEquals(rule.equals("schema.unknown-event-type"), e instanceof UnknownEventTypeException);
                DecodeException plain = assertThrows(DecodeException.class,
                        () -> new ObjectMapper().readValue(text, VrpEvent.class));
                assertEquals(e.getMessage(), plain.getMessage());
            }));
        }
        assertTrue(!tests.isEmpty());
        return tests;
    }

    @TestFactory
    List<DynamicTest> eventClassesReadAloneAreStrict() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : vectors().get("valid")) {
            String text = v.get("text").textValue();
            tests.add(DynamicTest.dynamicTest(v.get("name").textValue(), () -> {
                VrpEvent event = VrpEvents.decode(text);
                for (Class<?> c : VrpEvent.class.getPermittedSubclasses()) {
                    Class<? extends VrpEvent> type = c.asSubclass(VrpEvent.class);
                    if (type == event.getClass()) {
                        assertEquals(event, new ObjectMapper().readValue(text, type));
                        assertEquals(event, VrpEvents.decode(text, type));
                        continue;
                    }
                    DecodeException e = assertThrows(DecodeException.class, () -> VrpEvents.decode(text, type));
                    assertEquals("schema.const", e.rule());
                    assertEquals("/event_type", e.pointer());
                    String tag = type.getDeclaredConstructor().newInstance().getEventType();
                    assertEquals("The field /event_type must be '" + tag + "'; got a string \""
                            + event.getEventType() + "\".", e.detail());
                    DecodeException plain = assertThrows(DecodeException.class,
                            () -> new ObjectMapper().readValue(text, type));
                    assertEquals(e.getMessage(), plain.getMessage());
                }
            }));
        }
        for (JsonNode v : vectors().get("invalid")) {
            String text = v.get("text").textValue();
            tests.add(DynamicTest.dynamicTest(v.get("name").textValue(), () -> {
                DecodeException e = assertThrows(DecodeException.class, () -> VrpEvents.decode(text));
                for (Class<?> c : VrpEvent.class.getPermittedSubclasses()) {
                    Class<? extends VrpEvent> type = c.asSubclass(VrpEvent.class);
                    DecodeException own = assertThrows(DecodeException.class, () -> VrpEvents.decode(text, type));
                    assertEquals(e.getMessage(), own.getMessage());
                    assertEquals(e instanceof UnknownEventTypeException, own instanceof UnknownEventTypeException);
                    DecodeException plain = assertThrows(DecodeException.class,
                            () -> new ObjectMapper().readValue(text, type));
                    assertEquals(e.getMessage(), plain.getMessage());
                }
            }));
        }
        return tests;
    }

    @Test
    void encodeRefusesWhatDecodeRefuses() {
        PathSelected event = new PathSelected();
        event.setTsMs(1L);
        event.setSessionId("s");
        EncodeException e = assertThrows(EncodeException.class, () -> VrpEvents.encode(event));
        assertEquals("schema.required", e.rule());
        assertEquals("/details", e.pointer());
    }

    /** Go/Java trial (2026-11-29): a raw lone surrogate, NaN and unwritable values are refused. */
    @Test
    void loneSurrogatesNaNAndUnwritableValuesAreRefused() {
        String raw = "{\"ts_ms\":1,\"event_type\":\"MUTATION_TICK\",\"session_id\":\"s\uD800\"}";
        DecodeException d = assertThrows(DecodeException.class, () -> VrpEvents.decode(raw));
        assertEquals("input.not-utf8", d.rule());
        assertEquals("The input is not valid UTF-8: byte 0xed at byte offset 55 cannot be decoded.", d.detail());
        assertEquals("input.not-utf8",
                assertThrows(DecodeException.class, () -> VrpEvents.decode(raw, MutationTick.class)).rule());
        MutationTick tick = new MutationTick();
        tick.setTsMs(1L);
        tick.setSessionId("s\uD800");
        assertEquals("input.not-utf8", assertThrows(EncodeException.class, () -> VrpEvents.encode(tick)).rule());
        tick.setSessionId("s\uD83D\uDE00"); // a pair is one character, written as such
        try {
            assertEquals("s\uD83D\uDE00", ((MutationTick) VrpEvents.decode(VrpEvents.encode(tick))).getSessionId());
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
        MutationTickDetails details = new MutationTickDetails();
        tick.setDetails(details);
        for (Object bad : new Object[] {Double.NaN, Double.POSITIVE_INFINITY, Float.NaN}) {
            details.setAdditionalProperty("x", bad);
            EncodeException e = assertThrows(EncodeException.class, () -> VrpEvents.encode(tick));
            assertEquals("input.not-json", e.rule());
            assertTrue(e.detail().contains("/details/x"), e.detail());
        }
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        details.setAdditionalProperty("x", cycle);
        EncodeException cyclic = assertThrows(EncodeException.class, () -> VrpEvents.encode(tick));
        assertEquals("input.not-json", cyclic.rule());
        assertTrue(cyclic.detail().length() < 300, cyclic.detail()); // one line, not the reference chain
        Map<String, Object> self = new java.util.LinkedHashMap<>();
        self.put("self", self);
        details.setAdditionalProperty("x", self);
        cyclic = assertThrows(EncodeException.class, () -> VrpEvents.encode(tick));
        assertTrue(cyclic.detail().length() < 300, cyclic.detail());
        details.setAdditionalProperty("x", new Object());
        assertEquals("input.not-json", assertThrows(EncodeException.class, () -> VrpEvents.encode(tick)).rule());
    }

    /**
     * The parser's limits are the Python reference's: 1,024 nested arrays and objects, and a
     * string as long as a line may be (Jackson's defaults refuse 1,001 levels and 20 MB).
     */
    @Test
    void limitsAreThoseOfThePythonReference() throws DecodeException {
        String head = "{\"ts_ms\":1,\"event_type\":\"MUTATION_TICK\",\"session_id\":\"s\",\"details\":{\"x\":";
        for (String inner : new String[] {"", "1", "\"s\""}) {
            String deepest = head + "[".repeat(1022) + inner + "]".repeat(1022) + "}}"; // 1,024 levels
            assertEquals(deepest.replace(" ", ""), VrpEvents.encode(VrpEvents.decode(deepest))); // and back
            String deeper = head + "[".repeat(1023) + inner + "]".repeat(1023) + "}}";
            assertEquals("input.not-json", assertThrows(DecodeException.class, () -> VrpEvents.decode(deeper)).rule());
        }
        VrpEvents.decode(head + "\"" + "a".repeat(30 << 20) + "\"}}");
        VrpEvents.decode(head + "9".repeat(5000) + ", \"y\": 0." + "9".repeat(5000) + "}}");
    }

    /** A number written with a fraction or an exponent is the 64-bit float Python reads. */
    @Test
    void floatLiteralsReadAsPythonReadsThem() throws DecodeException {
        String head = "{\"event_type\":\"MUTATION_TICK\",\"session_id\":\"s\",\"ts_ms\":";
        assertEquals(9223372036854774784L, ((MutationTick) VrpEvents.decode(head + "9.2233720368547748e18}")).getTsMs());
        assertEquals(2000L, ((MutationTick) VrpEvents.decode(head + "2000.000000000000000001}")).getTsMs());
        assertEquals(0L, ((MutationTick) VrpEvents.decode(head + "-0.0}")).getTsMs());
        String[][] cases = {
            {"9223372036854775807.0", "The field /ts_ms must be at most 9223372036854775807, got a number 9.223372036854776e+18."},
            {"1.0e19", "The field /ts_ms must be at most 9223372036854775807, got a number 1e+19."},
            {"2000.50", "The field /ts_ms must be an integer, got a number 2000.5."},
            {"-1.0", "The field /ts_ms must be at least 0, got a number -1.0."},
            {"1.5e-7", "The field /ts_ms must be an integer, got a number 1.5e-07."},
        };
        for (String[] c : cases) {
            DecodeException e = assertThrows(DecodeException.class, () -> VrpEvents.decode(head + c[0] + "}"));
            assertEquals(c[1], e.detail(), c[0]);
        }
    }
}

// @@HEADER@@
package @@PACKAGE@@;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The shared vectors (schema/v@@REV@@/examples), read from the repository; run from this folder. */
class VectorsTest {
    private static final Path EXAMPLES = Path.of("../../../schema/v@@REV@@/examples");
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory().getValidator();

    private static Map<String, JsonNode> vectors(String kind) throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(EXAMPLES.resolve(kind))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String name = p.getFileName().toString().replaceAll("\\.json$", "");
                out.put(name, PLAIN.readTree(p.toFile()).get("event"));
            }
        }
        assertTrue(!out.isEmpty(), "no " + kind + " vectors under " + EXAMPLES);
        return out;
    }

    private static JsonNode gaps(String section) throws IOException {
        return PLAIN.readTree(Path.of("known-gaps.json").toFile()).get(section);
    }

    @TestFactory
    List<DynamicTest> validVectorsRoundTrip() throws IOException {
        JsonNode gaps = gaps("valid_not_round_tripped");
        List<DynamicTest> tests = new ArrayList<>();
        vectors("valid").forEach((name, event) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            VrpEvent decoded = VrpEvents.decode(PLAIN.writeValueAsString(event), VALIDATOR);
            JsonNode again = PLAIN.readTree(VrpEvents.encode(decoded));
            if (gaps.has(name)) {
                assertNotEquals(event, again, name + " round-trips now: drop it from known-gaps.json");
            } else {
                assertEquals(event, again, name + ": round trip changed the event");
            }
        })));
        return tests;
    }

    @TestFactory
    List<DynamicTest> invalidVectorsRejected() throws IOException {
        JsonNode gaps = gaps("invalid_accepted");
        List<DynamicTest> tests = new ArrayList<>();
        vectors("invalid").forEach((name, event) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            boolean accepted;
            try {
                VrpEvents.decode(PLAIN.writeValueAsString(event), VALIDATOR);
                accepted = true;
            } catch (Exception e) {
                accepted = false;
            }
            if (gaps.has(name) && !accepted) {
                fail(name + " is rejected now: drop it from known-gaps.json");
            } else if (!gaps.has(name) && accepted) {
                fail(name + " was accepted");
            }
        })));
        return tests;
    }

    @Test
    void explicitNullIsRejectedOutsideOpenKeys() throws Exception {
        String base = "{\"ts_ms\":1,\"event_type\":\"SESSION_CREATED\",\"session_id\":\"s\"";
        for (String key : new String[] {"details", "node_id", "reason_code"}) {
            String json = base + ",\"" + key + "\":null}";
            try {
                VrpEvents.decode(json, VALIDATOR);
                fail("accepted " + json);
            } catch (Exception expected) {
                // an optional key is omitted, never null
            }
        }
        String open = base + ",\"details\":{\"a\":null,\"b\":[1,null,{\"c\":null}]}}";
        assertEquals(PLAIN.readTree(open), PLAIN.readTree(VrpEvents.encode(VrpEvents.decode(open, VALIDATOR))));
    }

    @Test
    void knownGapsNameRealVectors() throws IOException {
        gaps("valid_not_round_tripped").fieldNames().forEachRemaining(n -> assertTrue(
                safe(() -> vectors("valid").containsKey(n)), n + " is not a valid vector"));
        gaps("invalid_accepted").fieldNames().forEachRemaining(n -> assertTrue(
                safe(() -> vectors("invalid").containsKey(n)), n + " is not an invalid vector"));
    }

    private interface IoCheck {
        boolean get() throws IOException;
    }

    private static boolean safe(IoCheck check) {
        try {
            return check.get();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

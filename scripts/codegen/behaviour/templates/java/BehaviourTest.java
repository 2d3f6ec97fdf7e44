// @@HEADER@@
package @@PACKAGE@@;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The behaviour suite shipped in this package ({@code behaviour-suite.json}, the revision's
 * language-neutral session cases) through {@link SessionChecker}, and the checker's memory bound,
 * typed entry point and preview.
 */
class BehaviourTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One case of the behaviour suite. */
    private record Case(String name, SessionChecker.Options options, List<JsonNode> pass,
            List<JsonNode> fail, JsonNode expected) {}

    private static List<JsonNode> jsonl(String name, String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1 && lines[i].isEmpty()) {
                break;
            }
            out.add(JSON.readTree(lines[i]));
        }
        return out;
    }

    /**
     * The cases of the shipped {@code behaviour-suite.json}, or, with
     * {@code VRP_BEHAVIOUR_SUITE=<folder>}, of a suite folder in the repository format
     * ({@code <case>/case.json, pass.jsonl, fail.jsonl, fail.expected.jsonl}).
     */
    private static List<Case> suite() throws IOException {
        String folder = System.getenv("VRP_BEHAVIOUR_SUITE");
        List<Case> cases = folder == null || folder.isEmpty() ? shippedSuite() : folderSuite(Path.of(folder));
        assertFalse(cases.isEmpty(), "no behaviour cases");
        return cases;
    }

    private static Case caseOf(String name, JsonNode spec, String pass, String fail, JsonNode expected)
            throws IOException {
        SessionChecker.Options options = SessionChecker.Options.defaults()
                .withAssumeOpenSessions(spec.path("assume_open_sessions").asBoolean(false));
        if (spec.path("policy").isObject()) {
            Behaviour.Policy policy = options.policy();
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("policy").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Optional<Behaviour.Policy> next = policy.with(field.getKey(), field.getValue().longValue());
                assertTrue(next.isPresent(), name + ": unknown policy key " + field.getKey());
                policy = next.get();
            }
            options = options.withPolicy(policy);
        }
        if (spec.path("remember_terminated").isIntegralNumber()) {
            options = options.withRememberTerminated(spec.get("remember_terminated").intValue());
        }
        return new Case(name, options, jsonl(name, pass), jsonl(name, fail), expected);
    }

    private static List<Case> shippedSuite() throws IOException {
        JsonNode doc;
        try (InputStream in = SessionChecker.class.getResourceAsStream("behaviour-suite.json")) {
            assertNotNull(in, "behaviour-suite.json is not on the classpath");
            doc = JSON.readTree(in);
        }
        assertEquals(Behaviour.REVISION, doc.get("revision").textValue());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : doc.get("cases")) {
            cases.add(caseOf(c.get("name").textValue(), c, c.get("pass").textValue(),
                    c.get("fail").textValue(), c.get("expected")));
        }
        return cases;
    }

    private static List<Case> folderSuite(Path folder) throws IOException {
        List<Path> dirs;
        try (Stream<Path> entries = Files.list(folder)) {
            dirs = entries.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().toList();
        }
        List<Case> cases = new ArrayList<>();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            JsonNode expected = JSON.valueToTree(jsonl(name, Files.readString(dir.resolve("fail.expected.jsonl"))));
            cases.add(caseOf(name, JSON.readTree(dir.resolve("case.json").toFile()),
                    Files.readString(dir.resolve("pass.jsonl")), Files.readString(dir.resolve("fail.jsonl")),
                    expected));
        }
        return cases;
    }

    private static List<SessionChecker.Finding> run(Case c, List<JsonNode> events) {
        SessionChecker checker = new SessionChecker(c.options());
        List<SessionChecker.Finding> out = new ArrayList<>();
        for (JsonNode event : events) {
            out.addAll(checker.check(event));
        }
        return out;
    }

    /** (line, rule, pointer, session_id) of each finding, as the suite states them. */
    private static List<List<Object>> keys(List<SessionChecker.Finding> findings) {
        List<List<Object>> out = new ArrayList<>();
        for (SessionChecker.Finding f : findings) {
            out.add(List.of(f.line(), f.rule().id(), f.pointer(), f.sessionId()));
        }
        return out;
    }

    private static List<List<Object>> keys(JsonNode expected) {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode f : expected) {
            out.add(List.of(f.get("line").longValue(), f.get("rule").textValue(),
                    f.get("pointer").textValue(), f.get("session_id").textValue()));
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> suitePassStreamsHaveNoFindings() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : suite()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> assertEquals(List.of(), run(c, c.pass()))));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> suiteFailStreamsHaveExactlyTheExpectedFindings() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : suite()) {
            tests.add(DynamicTest.dynamicTest(c.name(),
                    () -> assertEquals(keys(c.expected()), keys(run(c, c.fail())))));
        }
        return tests;
    }

    @Test
    void everyStreamRuleHasASuiteCase() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Case c : shippedSuite()) {
            names.add(c.name());
        }
        for (Behaviour.Rule rule : Behaviour.Rule.values()) {
            assertTrue(names.contains(rule.id()), "no behaviour case for " + rule.id());
            assertEquals(Optional.of(rule.severity()), Behaviour.invariant(rule.id()).map(Behaviour.Invariant::severity));
        }
    }

    @Test
    void typedEventsGetTheSameFindingsAsJson() throws IOException {
        for (Case c : suite()) {
            SessionChecker byJson = new SessionChecker(c.options());
            SessionChecker typed = new SessionChecker(c.options());
            List<JsonNode> events = new ArrayList<>(c.pass());
            events.addAll(c.fail());
            for (JsonNode event : events) {
                VrpEvent decoded = JSON.treeToValue(event, VrpEvent.class);
                assertEquals(byJson.check(event), typed.check(decoded), c.name() + ": " + event);
            }
        }
    }

    @Test
    void previewReportsWithoutChangingAnything() throws IOException {
        for (Case c : suite()) {
            SessionChecker checker = new SessionChecker(c.options());
            for (JsonNode event : c.fail()) {
                List<Long> before = List.of(checker.events(), (long) checker.openSessions(),
                        (long) checker.rememberedTerminated());
                List<SessionChecker.Finding> previewed = checker.preview(event);
                assertEquals(before, List.of(checker.events(), (long) checker.openSessions(),
                        (long) checker.rememberedTerminated()));
                assertEquals(previewed, checker.check(event), c.name() + ": " + event);
            }
        }
    }

    private static ObjectNode event(String sid, Behaviour.EventType type) {
        ObjectNode event = JSON.createObjectNode();
        set(event, Behaviour.SESSION_KEY, sid);
        set(event, Behaviour.EVENT_TYPE, type.value());
        return event;
    }

    private static void set(ObjectNode event, String pointer, String value) {
        String[] tokens = pointer.substring(1).split("/");
        ObjectNode node = event;
        for (int i = 0; i < tokens.length - 1; i++) {
            node = node.has(tokens[i]) ? (ObjectNode) node.get(tokens[i]) : node.putObject(tokens[i]);
        }
        node.put(tokens[tokens.length - 1], value);
    }

    private static Behaviour.EventType first(java.util.function.Predicate<Behaviour.EventType> role) {
        for (Behaviour.EventType type : Behaviour.EventType.values()) {
            if (role.test(type)) {
                return type;
            }
        }
        throw new AssertionError("no event type with that role");
    }

    @Test
    void memoryHoldsOpenSessionsAndABoundedNumberOfTerminatedIds() {
        Optional<Behaviour.State> end = Behaviour.State.initial().allowedTargets().stream()
                .filter(Behaviour.State::isTerminal).findFirst();
        if (end.isEmpty()) {
            return; // this revision cannot terminate a session straight from its initial state
        }
        Behaviour.EventType create = first(Behaviour.EventType::creates);
        Behaviour.EventType move = first(Behaviour.EventType::transitions);
        SessionChecker checker = new SessionChecker(SessionChecker.Options.defaults().withRememberTerminated(3));
        for (int i = 0; i < 10; i++) {
            String sid = "s" + i;
            assertEquals(List.of(), checker.check(event(sid, create)));
            ObjectNode terminate = event(sid, move);
            set(terminate, Behaviour.TRANSITION_FROM, Behaviour.State.initial().value());
            set(terminate, Behaviour.TRANSITION_TO, end.get().value());
            assertEquals(List.of(), checker.check(terminate));
        }
        assertEquals(0, checker.openSessions());
        assertEquals(3, checker.rememberedTerminated());
        List<SessionChecker.Finding> late = checker.check(event("s9", create));
        assertEquals(1, late.size());
        assertEquals(Behaviour.Rule.SESSION_TERMINATED_FINAL, late.get(0).rule());
        assertEquals(21, late.get(0).line());
        assertEquals(List.of(), checker.check(event("s0", create)), "s0 was forgotten: a new session");
        assertEquals(1, checker.openSessions());
    }

    @Test
    void transitionTableAndRolesAgree() {
        for (Behaviour.State from : Behaviour.State.values()) {
            for (Behaviour.State to : Behaviour.State.values()) {
                boolean listed = Behaviour.TRANSITIONS.contains(new Behaviour.Transition(from, to));
                assertEquals(listed, Behaviour.isAllowed(from, to), from + " -> " + to);
                assertEquals(listed, from.canMoveTo(to));
            }
            assertEquals(Optional.of(from), Behaviour.State.fromValue(from.value()));
            if (from.isTerminal()) {
                assertEquals(List.of(), from.allowedTargets(), from + " is terminal");
            }
        }
        assertTrue(Behaviour.State.initial().isInitial());
        for (String key : Behaviour.POLICY_KEYS) {
            assertTrue(Behaviour.Policy.DEFAULT.get(key).isPresent(), key);
        }
    }

    @Test
    void eventsTheFoldDoesNotSeeStillTakeALine() {
        SessionChecker checker = new SessionChecker();
        ObjectNode noSession = JSON.createObjectNode();
        set(noSession, Behaviour.SESSION_KEY, "");
        assertEquals(List.of(), checker.check(noSession));
        assertEquals(List.of(), checker.check(JSON.createArrayNode()));
        ObjectNode unknownType = event("x", first(Behaviour.EventType::creates));
        set(unknownType, Behaviour.EVENT_TYPE, "NOT_AN_EVENT_TYPE");
        assertEquals(List.of(), checker.check(unknownType));
        assertEquals(3, checker.events());
        assertEquals(0, checker.openSessions());
    }

    /** A line of an event of {@code type} in session s with {@code "ts_ms":TS}-style clock text. */
    private static String line(Behaviour.EventType type, String clock) {
        String head = "{\"" + Behaviour.CLOCK.substring(1) + "\":" + clock + ",";
        return head + event("s", type).toString().substring(1);
    }

    /**
     * checkLine reads a line with the package's strict parser and folds exactly the lines
     * {@code vrp-contract validate} folds; a clock value the schema refuses (or written twice) is
     * absent (Go/Java trial, 2026-11-29).
     */
    @Test
    void checkLineFoldsWhatValidateFolds() throws IOException {
        Behaviour.EventType tick = first(t -> !t.creates() && !t.transitions() && !t.binds() && !t.audits());
        String created = line(first(Behaviour.EventType::creates), "1000");
        String clock = Behaviour.CLOCK.substring(1);
        Object[][] cases = {
            {line(tick, "2000"), null, true},
            {line(tick, "2000.0"), null, true},
            {line(tick, "9.21e18"), null, true},
            {line(tick, "-5"), null, false},
            {line(tick, "9.3e18"), null, false},
            {line(tick, "9223372036854775808"), null, false},
            {line(tick, "2000.5"), null, false},
            {line(tick, "2000.000000000000000001"), null, true}, // 2000.0 as a float, as in Python
            {line(tick, "9223372036854775807.0"), null, false}, // 2^63 as a float: past the maximum
            {"{\"" + clock + "\":2000," + line(tick, "5000").substring(1), null, false},
            {line(tick, "2000") + " {\"x\":1}", "input.not-json", false},
            {line(tick, "2000") + "\u0000", "input.not-json", false},
            {line(tick, "2000").replace("\"s\"", "\"s\\ud800\""), "input.not-utf8", false},
            {"", "input.blank-line", false},
            {"[1]", "input.not-object", false},
        };
        for (Object[] c : cases) {
            String text = (String) c[0];
            SessionChecker checker = new SessionChecker();
            assertEquals(List.of(), checker.checkLine(created.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            try {
                checker.checkLine(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(null, c[1], text);
            } catch (DecodeException e) {
                assertEquals(c[1], e.rule(), text);
                ObjectNode finding = SessionChecker.lineFinding(e, checker.events()).orElseThrow();
                assertEquals(2, finding.get("line").asInt(), text);
                assertTrue(finding.get("message").asText().startsWith("The line "), text);
            }
            List<SessionChecker.Finding> later = checker.checkLine(
                    line(tick, "1500").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            boolean backwards = later.size() == 1 && later.get(0).rule() == Behaviour.Rule.SESSION_TS_MONOTONIC;
            assertEquals(c[2], backwards, text);
            assertEquals(3, checker.events(), text);
        }
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
        DecodeException e = org.junit.jupiter.api.Assertions.assertThrows(DecodeException.class,
                () -> new SessionChecker().checkLine(notUtf8));
        assertEquals("The input is not valid UTF-8: byte 0xff at byte offset 6 cannot be decoded.", e.detail());
    }

    /**
     * check and preview judge a typed event as VrpEvents.encode writes it: its class's event
     * type, whatever its eventType field holds (Go/Java trial, 2026-11-29).
     */
    @Test
    void typedEventsAreCheckedAsEncodeWritesThem() {
        String create = first(Behaviour.EventType::creates).value();
        String bind = first(Behaviour.EventType::binds).value();
        for (String mislabel : new String[] {create, bind}) {
            SessionChecker checker = new SessionChecker();
            SessionCreated created = new SessionCreated();
            created.setTsMs(1L);
            created.setSessionId("s");
            created.setEventType(mislabel);
            assertEquals(List.of(), checker.check(created), mislabel);
            MutationTick tick = new MutationTick();
            tick.setTsMs(2L);
            tick.setSessionId("s");
            tick.setEventType(mislabel);
            assertEquals(List.of(), checker.preview(tick), mislabel);
            assertEquals(List.of(), checker.check(tick), mislabel);
        }
    }
}

// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The session checker: feed it events in order (many sessions interleaved) and it reports the
 * stream invariants' findings with the same rule ids, JSON Pointers, event index (line) and
 * session id as {@code vrp-contract validate}.
 *
 * <p>It runs the session fold of docs/guides/session-fold.md. This engine names no state and no
 * event type: every decision reads a table of {@link Behaviour}, generated from the revision's
 * files, so a new revision regenerates it without a hand edit. Memory holds the open sessions (a
 * few fields each) and a bounded memory of terminated ids (O(1) per event). Not thread-safe: one
 * checker per stream.
 */
public final class SessionChecker {
    /** How many terminated session ids are remembered by default (as --remember-terminated). */
    public static final int DEFAULT_REMEMBER_TERMINATED = 200_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final BigInteger CLOCK_MIN = BigInteger.valueOf(Behaviour.CLOCK_MIN);
    private static final BigInteger CLOCK_MAX = BigInteger.valueOf(Behaviour.CLOCK_MAX);
    private static final JsonPointer SESSION_KEY = JsonPointer.compile(Behaviour.SESSION_KEY);
    private static final JsonPointer EVENT_TYPE = JsonPointer.compile(Behaviour.EVENT_TYPE);
    private static final JsonPointer CLOCK = JsonPointer.compile(Behaviour.CLOCK);
    private static final JsonPointer TRANSITION_FROM = JsonPointer.compile(Behaviour.TRANSITION_FROM);
    private static final JsonPointer TRANSITION_TO = JsonPointer.compile(Behaviour.TRANSITION_TO);

    /**
     * How the checker checks.
     *
     * @param policy the recovery bounds
     * @param assumeOpenSessions the stream starts mid-session: sessions first seen mid-stream are
     *     not a violation
     * @param rememberTerminated how many terminated ids to remember; past it the oldest is
     *     forgotten
     */
    public record Options(Behaviour.Policy policy, boolean assumeOpenSessions, int rememberTerminated) {
        /** Checks an options value. */
        public Options {
            if (policy == null) {
                throw new IllegalArgumentException("policy must not be null");
            }
            if (rememberTerminated < 0) {
                throw new IllegalArgumentException("rememberTerminated must not be negative");
            }
        }

        /** The default policy, sessions created in the stream, 200,000 terminated ids. */
        public static Options defaults() {
            return new Options(Behaviour.Policy.DEFAULT, false, DEFAULT_REMEMBER_TERMINATED);
        }

        /** These options with another policy. */
        public Options withPolicy(Behaviour.Policy value) {
            return new Options(value, assumeOpenSessions, rememberTerminated);
        }

        /** These options with {@code assumeOpenSessions} set. */
        public Options withAssumeOpenSessions(boolean value) {
            return new Options(policy, value, rememberTerminated);
        }

        /** These options with another bound on remembered terminated ids. */
        public Options withRememberTerminated(int value) {
            return new Options(policy, assumeOpenSessions, value);
        }
    }

    /**
     * What the fold sees of one event.
     *
     * @param sessionId the session (never empty)
     * @param eventType its event type
     * @param tsMs the event time when present and a valid timestamp, else null
     * @param transition {@code (from, to)} of a transition event whose two state fields are both
     *     states, else null
     */
    public record EventRecord(
            String sessionId, Behaviour.EventType eventType, Long tsMs, Behaviour.Transition transition) {
        /**
         * The record of a JSON event, or empty when the fold does not see the event: its session
         * id is not a non-empty string, its event type is not one of the revision's, or it is an
         * audit event (it reports on a session and is not part of its behaviour).
         */
        public static Optional<EventRecord> of(JsonNode event) {
            JsonNode sid = event.at(SESSION_KEY);
            JsonNode type = event.at(EVENT_TYPE);
            if (!sid.isTextual() || sid.textValue().isEmpty() || !type.isTextual()) {
                return Optional.empty();
            }
            Optional<Behaviour.EventType> kind = Behaviour.EventType.fromValue(type.textValue());
            if (kind.isEmpty() || kind.get().audits()) {
                return Optional.empty();
            }
            Behaviour.Transition transition = null;
            if (kind.get().transitions()) {
                Optional<Behaviour.State> from = state(event.at(TRANSITION_FROM));
                Optional<Behaviour.State> to = state(event.at(TRANSITION_TO));
                if (from.isPresent() && to.isPresent()) {
                    transition = new Behaviour.Transition(from.get(), to.get());
                }
            }
            return Optional.of(new EventRecord(sid.textValue(), kind.get(), clock(event.at(CLOCK)), transition));
        }

        private static Optional<Behaviour.State> state(JsonNode node) {
            return node.isTextual() ? Behaviour.State.fromValue(node.textValue()) : Optional.empty();
        }

        /**
         * A clock value the schema accepts (an integer, or a whole number such as 2000.0, within
         * the timestamp's bounds), else null: it takes no part in the session checks.
         */
        private static Long clock(JsonNode node) {
            if (node.isInt() || node.isLong()) { // the common case, without a BigInteger
                long value = node.longValue();
                return value < Behaviour.CLOCK_MIN || value > Behaviour.CLOCK_MAX ? null : value;
            }
            BigInteger value;
            if (node.isIntegralNumber()) {
                value = node.bigIntegerValue();
            } else if (node.isFloatingPointNumber()) { // read as a 64-bit float, as Python reads it
                double d = node.doubleValue();
                if (!Double.isFinite(d) || d != Math.rint(d)) {
                    return null;
                }
                value = new BigDecimal(d).toBigInteger();
            } else {
                return null;
            }
            if (value.compareTo(CLOCK_MIN) < 0 || value.compareTo(CLOCK_MAX) > 0) {
                return null;
            }
            return value.longValueExact();
        }
    }

    /**
     * One violation of a stream invariant.
     *
     * @param line 1-based index of the event in the order it was fed (the line of a JSON Lines
     *     stream)
     * @param rule the invariant violated
     * @param pointer JSON Pointer into the event
     * @param sessionId the session of the event
     * @param message what is wrong, as one or two sentences
     */
    public record Finding(long line, Behaviour.Rule rule, String pointer, String sessionId, String message) {
        /** The rule's severity. */
        public Behaviour.Severity severity() {
            return rule.severity();
        }

        /** The finding as JSON, with the keys of {@code vrp-contract validate --format jsonl}. */
        public ObjectNode toJson() {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("rule", rule.id());
            node.put("severity", severity().value());
            node.put("message", message);
            node.put("pointer", pointer);
            node.put("line", line);
            node.put("session_id", sessionId);
            return node;
        }
    }

    /**
     * What the checker remembers of one open session (a read-only copy outside the checker).
     * {@code state} is null for a session first seen mid-stream until its first transition;
     * {@code bound} is null when unknown.
     */
    public static final class Session {
        private Behaviour.State state;
        private Boolean bound;
        private Long lastTs;
        private Long recoverySince;
        private boolean recoveryReported;
        private long attempts;

        private Session(Behaviour.State state, Boolean bound) {
            this.state = state;
            this.bound = bound;
        }

        private Session copy() {
            Session s = new Session(state, bound);
            s.lastTs = lastTs;
            s.recoverySince = recoverySince;
            s.recoveryReported = recoveryReported;
            s.attempts = attempts;
            return s;
        }

        /** The current state, or empty when unknown (a session first seen mid-stream). */
        public Optional<Behaviour.State> state() {
            return Optional.ofNullable(state);
        }

        /** Whether a transport is bound, or empty when unknown. */
        public Optional<Boolean> bound() {
            return Optional.ofNullable(bound);
        }

        /** The time of the session's previous event that had one. */
        public Optional<Long> lastTs() {
            return Optional.ofNullable(lastTs);
        }

        /** When the current recovery episode began (empty outside recovery). */
        public Optional<Long> recoverySince() {
            return Optional.ofNullable(recoverySince);
        }

        /** Recovery attempts since the count was last reset. */
        public long attempts() {
            return attempts;
        }
    }

    private final Options options;
    private final Map<String, Session> open = new HashMap<>();
    private final LinkedHashSet<String> terminated = new LinkedHashSet<>();
    private long line;
    private long seen;

    /** A checker with the default options. */
    public SessionChecker() {
        this(Options.defaults());
    }

    /** A checker with no session yet. */
    public SessionChecker(Options options) {
        this.options = options;
    }

    /** The options it checks with. */
    public Options options() {
        return options;
    }

    /**
     * Checks the next event, a typed event of this package, as {@link VrpEvents#encode} writes
     * it: its event type is its class's, whatever its {@code eventType} field holds.
     */
    public List<Finding> check(VrpEvent event) {
        return check(VrpEvents.treeOf(event));
    }

    /** Checks the next event, given as JSON; an event the fold does not see still takes a line. */
    public List<Finding> check(JsonNode event) {
        Optional<EventRecord> record = EventRecord.of(event);
        return record.isPresent() ? check(record.get()) : skip();
    }

    /** Checks the next event's record and remembers what it changes. */
    public List<Finding> check(EventRecord record) {
        line++;
        Session before = open.get(record.sessionId());
        boolean wasTerminated = before == null && terminated.contains(record.sessionId());
        if (before == null && !wasTerminated) {
            seen++;
        }
        List<Finding> out = new ArrayList<>(0);
        Session after = fold(line, record, before, wasTerminated, out);
        if (after == null) {
            return out; // an event after termination changes nothing
        }
        if (after.state != null && after.state.isTerminal()) {
            open.remove(record.sessionId());
            terminated.add(record.sessionId());
            Iterator<String> oldest = terminated.iterator();
            while (terminated.size() > options.rememberTerminated() && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
        } else if (before == null) {
            open.put(record.sessionId(), after);
        }
        return out;
    }

    /**
     * Checks the next line of a JSON Lines stream (its bytes, with or without the newline), read
     * with the package's own strict parser (the one of {@link VrpEvents#decode}, without the
     * schema check), so it folds exactly the lines {@code vrp-contract validate} folds: a line
     * that fails the schema is folded from its usable fields (a {@code ts_ms} the schema refuses,
     * or written twice, is absent; another repeated key reads as its last occurrence).
     *
     * @throws DecodeException for a line that holds no JSON object (not UTF-8, a lone surrogate,
     *     blank, not JSON, trailing data, an array...): the line is counted and not folded;
     *     {@link #lineFinding} words it as validate does
     */
    public List<Finding> checkLine(byte[] line) throws DecodeException {
        return checkLine(line, new ArrayList<>(0), new JsonNode[1]);
    }

    /**
     * {@link #checkLine(byte[])} with every finding in the JSON form of {@code vrp-contract
     * validate --format jsonl} (what {@code vrp-session-check} prints): a repeated key first
     * ({@code input.duplicate-key}, as validate reports it; the line is still folded), then the
     * stream findings; a line that holds no event gives its {@code input.*} finding
     * ({@link #lineFinding}) instead of an exception.
     */
    public List<ObjectNode> checkLineAsJson(byte[] line) {
        List<DecodeException> repeated = new ArrayList<>(0);
        JsonNode[] event = new JsonNode[1];
        List<ObjectNode> out = new ArrayList<>(0);
        List<Finding> findings;
        try {
            findings = checkLine(line, repeated, event);
        } catch (DecodeException e) {
            lineFinding(e, events()).ifPresent(out::add);
            return out;
        }
        JsonNode sid = event[0].at(SESSION_KEY);
        for (DecodeException problem : repeated) {
            lineFinding(problem, events()).ifPresent(finding -> {
                if (sid.isTextual()) {
                    finding.put("session_id", sid.textValue());
                }
                out.add(finding);
            });
        }
        for (Finding finding : findings) {
            out.add(finding.toJson());
        }
        return out;
    }

    private List<Finding> checkLine(byte[] line, List<DecodeException> repeated, JsonNode[] event)
            throws DecodeException {
        try {
            event[0] = Strict.parse(line, repeated);
            if (!event[0].isObject()) {
                throw Strict.notObject(event[0]);
            }
        } catch (DecodeException e) {
            skip();
            throw e;
        }
        Optional<EventRecord> record = EventRecord.of(event[0]);
        if (record.isEmpty()) {
            return skip();
        }
        EventRecord r = record.get();
        for (DecodeException problem : repeated) {
            if (problem.pointer().equals(Behaviour.CLOCK)) { // which value is the time is ambiguous
                r = new EventRecord(r.sessionId(), r.eventType(), null, r.transition());
            }
        }
        return check(r);
    }

    /**
     * The finding {@code vrp-contract validate} reports at {@code line} for a line that holds no
     * event (the exception of {@link #checkLine}), in the JSON form of {@link Finding#toJson};
     * empty for a rule that is not an input rule.
     */
    public static Optional<ObjectNode> lineFinding(DecodeException problem, long line) {
        Behaviour.Severity severity = Behaviour.INPUT_RULES.get(problem.rule());
        if (severity == null) {
            return Optional.empty();
        }
        String message = problem.detail();
        if (message.startsWith("The value is a JSON ")) {
            message = "The line holds a JSON " + message.substring("The value is a JSON ".length());
        } else if (message.startsWith("The input ")) {
            message = "The line " + message.substring("The input ".length());
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("rule", problem.rule());
        out.put("severity", severity.value());
        out.put("message", message);
        out.put("pointer", problem.pointer());
        out.put("line", line);
        return Optional.of(out);
    }

    /** Counts one input line that is not an event the fold sees (for the line numbers). */
    public List<Finding> skip() {
        line++;
        return new ArrayList<>(0);
    }

    /**
     * The findings the typed event would get as the next event, without changing anything: a
     * service asks this before it emits the event.
     */
    public List<Finding> preview(VrpEvent event) {
        return preview(VrpEvents.treeOf(event));
    }

    /** {@link #preview(VrpEvent)} for an event given as JSON. */
    public List<Finding> preview(JsonNode event) {
        Optional<EventRecord> record = EventRecord.of(event);
        return record.isPresent() ? preview(record.get()) : new ArrayList<>(0);
    }

    /** {@link #preview(VrpEvent)} for an event's record. */
    public List<Finding> preview(EventRecord record) {
        Session before = open.get(record.sessionId());
        boolean wasTerminated = before == null && terminated.contains(record.sessionId());
        List<Finding> out = new ArrayList<>(0);
        fold(line + 1, record, before == null ? null : before.copy(), wasTerminated, out);
        return out;
    }

    /** A copy of the open session {@code sessionId}, if there is one. */
    public Optional<Session> session(String sessionId) {
        Session s = open.get(sessionId);
        return s == null ? Optional.empty() : Optional.of(s.copy());
    }

    /** Sessions seen and not terminated. */
    public int openSessions() {
        return open.size();
    }

    /** Terminated session ids currently remembered (at most {@code rememberTerminated}). */
    public int rememberedTerminated() {
        return terminated.size();
    }

    /** Sessions opened so far (created, or first seen mid-stream). */
    public long sessionsSeen() {
        return seen;
    }

    /** Events (lines) fed so far. */
    public long events() {
        return line;
    }

    /**
     * One step of the fold: the rules look at the session before the event ({@code s}, null for
     * a new session), then it advances in place. Returns the session after the event, or null
     * when the event follows a termination.
     */
    private Session fold(long at, EventRecord r, Session s, boolean wasTerminated, List<Finding> out) {
        String sid = r.sessionId();
        Behaviour.EventType kind = r.eventType();
        Behaviour.Policy policy = options.policy();
        if (wasTerminated) {
            out.add(new Finding(at, Behaviour.Rule.SESSION_TERMINATED_FINAL, Behaviour.EVENT_TYPE, sid,
                    kind + " follows the termination of session \"" + sid + "\"; nothing may follow "
                            + states(Behaviour.State::isTerminal) + "."));
            return null;
        }
        if (s == null) {
            boolean created = kind.creates();
            if (!created && !options.assumeOpenSessions()) {
                out.add(new Finding(at, Behaviour.Rule.SESSION_CREATED_FIRST, Behaviour.SESSION_KEY, sid,
                        kind + " belongs to a session that was never created in this input (its first"
                                + " event must be " + creators() + "); later events of the session are"
                                + " checked from an unknown state. Declare streams cut from the middle as"
                                + " starting mid-session (assumeOpenSessions)."));
            }
            s = new Session(created ? Behaviour.State.initial() : null, created ? Boolean.FALSE : null);
        } else if (kind.creates()) {
            out.add(new Finding(at, Behaviour.Rule.SESSION_CREATED_FIRST, Behaviour.EVENT_TYPE, sid,
                    kind + " arrives for a session that already has events; a session is created"
                            + " exactly once, by its first event."));
        }
        Long ts = r.tsMs();
        if (ts != null) {
            if (s.lastTs != null && ts < s.lastTs) {
                out.add(new Finding(at, Behaviour.Rule.SESSION_TS_MONOTONIC, Behaviour.CLOCK, sid,
                        "ts_ms " + ts + " is earlier than the session's previous event at " + s.lastTs
                                + " (" + BigInteger.valueOf(s.lastTs).subtract(BigInteger.valueOf(ts))
                                + " ms back); ts_ms must never decrease within a session."));
            }
            if (s.recoverySince != null && !s.recoveryReported) {
                BigInteger spent = BigInteger.valueOf(ts).subtract(BigInteger.valueOf(s.recoverySince));
                if (spent.compareTo(BigInteger.valueOf(policy.maxRecoveryMs())) > 0) {
                    out.add(new Finding(at, Behaviour.Rule.RECOVERY_BOUNDED_TIME, Behaviour.CLOCK, sid,
                            "The session has been in " + (s.state == null ? "an unknown state" : s.state)
                                    + " (recovery) for " + spent + " ms since ts_ms " + s.recoverySince
                                    + ", longer than the policy's max_recovery_ms of "
                                    + policy.maxRecoveryMs() + "."));
                    s.recoveryReported = true; // once per recovery episode
                }
            }
        }
        Behaviour.Transition move = r.transition();
        if (move != null) {
            Behaviour.State from = move.from();
            Behaviour.State to = move.to();
            if (s.state != null && s.state != from) {
                out.add(new Finding(at, Behaviour.Rule.TRANSITION_EXPLICIT, Behaviour.TRANSITION_FROM, sid,
                        kind + " " + from + " -> " + to + " starts from " + from + ", but the session is in "
                                + s.state + ": the transition " + s.state + " -> " + from
                                + " happened silently."));
            }
            if (!Behaviour.isAllowed(from, to)) {
                List<String> allowed = from.allowedTargets().stream().map(Behaviour.State::value)
                        .sorted().collect(Collectors.toList());
                String why = from == to ? "self-transitions are not allowed"
                        : allowed.isEmpty() ? "nothing leaves " + from
                        : "from " + from + " the state machine allows only " + String.join(", ", allowed);
                out.add(new Finding(at, Behaviour.Rule.TRANSITION_ALLOWED, Behaviour.TRANSITION_TO, sid,
                        "The transition " + from + " -> " + to + " is not in the transition table: " + why
                                + "."));
            }
            long attempt = s.attempts == Long.MAX_VALUE ? s.attempts : s.attempts + 1;
            if (to.countsAttempt() && attempt > policy.maxRecoveryAttempts()) {
                out.add(new Finding(at, Behaviour.Rule.RECOVERY_BOUNDED_ATTEMPTS, Behaviour.TRANSITION_TO, sid,
                        "This is recovery attempt " + attempt + " since the session was last "
                                + states(Behaviour.State::resetsAttempts) + "; the policy's"
                                + " max_recovery_attempts is " + policy.maxRecoveryAttempts() + "."));
            }
        } else if (kind.binds() && Boolean.TRUE.equals(s.bound) && s.state != null && !s.state.isBinding()) {
            out.add(new Finding(at, Behaviour.Rule.TRANSPORT_SINGLE_ACTIVE, Behaviour.EVENT_TYPE, sid,
                    kind + " while the session is " + s.state + " with an active binding: a second"
                            + " transport would be active at once (dual-active binding). A transport is"
                            + " bound again only in " + states(Behaviour.State::isBinding) + "."));
        }
        // Advance: the one place where the session changes.
        if (ts != null) {
            s.lastTs = ts;
        }
        if (move != null) {
            Behaviour.State to = move.to();
            boolean wasRecovering = s.state != null && s.state.isRecovery();
            if (to.isRecovery()) {
                if (!wasRecovering) {
                    s.recoverySince = ts;
                    s.recoveryReported = false;
                }
            } else {
                s.recoverySince = null;
            }
            s.state = to;
            if (to.countsAttempt() && s.attempts != Long.MAX_VALUE) {
                s.attempts++;
            }
            if (to.resetsAttempts()) {
                s.attempts = 0;
            }
        } else if (kind.binds()) {
            s.bound = Boolean.TRUE;
        }
        return s;
    }

    private static String states(Predicate<Behaviour.State> role) {
        return Arrays.stream(Behaviour.State.values()).filter(role).map(Behaviour.State::value)
                .collect(Collectors.joining(" or "));
    }

    private static String creators() {
        return Arrays.stream(Behaviour.EventType.values()).filter(Behaviour.EventType::creates)
                .map(Behaviour.EventType::value).collect(Collectors.joining(" or "));
    }
}

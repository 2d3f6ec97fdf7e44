// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Session-checks a JSON Lines stream with {@link SessionChecker} and prints each finding as one
 * JSON line (the keys of {@code vrp-contract validate --format jsonl}). Lines that are not JSON
 * take their line number and nothing else (the schema check is {@code vrp-contract validate}'s
 * business).
 *
 * <pre>
 * java -cp ... @@PACKAGE@@.VrpSessionCheck [--assume-open-sessions] [--policy FILE]
 *     [--remember-terminated N] PATH
 * </pre>
 *
 * <p>Exit status: 0 no finding, 1 findings, 2 usage or input error (one line on stderr).
 */
public final class VrpSessionCheck {
    private static final String USAGE = "usage: VrpSessionCheck [--assume-open-sessions]"
            + " [--policy FILE] [--remember-terminated N] PATH";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private VrpSessionCheck() {}

    /** An input or usage error: one line on stderr, exit status 2. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /** Runs the command; see the class comment. */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out);
        } catch (Failure e) {
            System.err.println("VrpSessionCheck: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream stdout) throws Failure {
        SessionChecker.Options options = SessionChecker.Options.defaults();
        String path = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--assume-open-sessions")) {
                options = options.withAssumeOpenSessions(true);
            } else if (arg.equals("--policy")) {
                if (++i >= args.length) {
                    throw new Failure("--policy needs a FILE (" + USAGE + ")");
                }
                options = options.withPolicy(policy(options.policy(), args[i]));
            } else if (arg.equals("--remember-terminated")) {
                if (++i >= args.length) {
                    throw new Failure("--remember-terminated needs a whole number (" + USAGE + ")");
                }
                try {
                    options = options.withRememberTerminated(Integer.parseInt(args[i]));
                } catch (IllegalArgumentException e) {
                    throw new Failure("--remember-terminated needs a whole number (" + USAGE + ")");
                }
            } else if (path == null && !arg.startsWith("--")) {
                path = arg;
            } else {
                throw new Failure("unexpected argument " + arg + " (" + USAGE + ")");
            }
        }
        if (path == null) {
            throw new Failure("no PATH given (" + USAGE + ")");
        }
        return check(path, options, stdout);
    }

    private static Behaviour.Policy policy(Behaviour.Policy base, String file) throws Failure {
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new Failure(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Failure(file + ": cannot read: " + e.getMessage());
        }
        if (doc == null || !doc.isObject()) {
            throw new Failure(file + ": the policy must be a JSON object");
        }
        Behaviour.Policy policy = base;
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("$schema")) {
                continue;
            }
            JsonNode value = field.getValue();
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
                throw new Failure(file + ": field " + field.getKey() + ": must be an integer of at least 1");
            }
            Optional<Behaviour.Policy> next = policy.with(field.getKey(), value.longValue());
            if (next.isEmpty()) {
                throw new Failure(file + ": field " + field.getKey() + ": not a policy key");
            }
            policy = next.get();
        }
        return policy;
    }

    private static int check(String path, SessionChecker.Options options, PrintStream stdout) throws Failure {
        SessionChecker checker = new SessionChecker(options);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        InputStream in;
        try {
            in = Files.newInputStream(Path.of(path));
        } catch (NoSuchFileException e) {
            throw new Failure(path + ": cannot open: no such file");
        } catch (IOException | InvalidPathException e) {
            throw new Failure(path + ": cannot open: " + e.getMessage());
        }
        boolean found = false;
        try (in;
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            byte[] buffer = new byte[1 << 20];
            boolean pending = false;
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start);
                        found |= emit(checkLine(checker, utf8, line), out);
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(buffer, start, n - start);
                pending = line.size() > 0;
            }
            if (pending) {
                found |= emit(checkLine(checker, utf8, line), out); // a last line without newline
            }
        } catch (IOException e) {
            throw new Failure(path + " line " + (checker.events() + 1) + ": " + e.getMessage());
        }
        return found ? 1 : 0;
    }

    private static boolean emit(List<SessionChecker.Finding> findings, BufferedWriter out) throws IOException {
        for (SessionChecker.Finding finding : findings) {
            out.write(finding.toJson().toString());
            out.write('\n');
        }
        return !findings.isEmpty();
    }

    /** One line (without its newline): folded when it is a UTF-8 JSON value, else it only counts. */
    private static List<SessionChecker.Finding> checkLine(
            SessionChecker checker, CharsetDecoder utf8, ByteArrayOutputStream line) {
        try {
            String text = utf8.decode(ByteBuffer.wrap(line.toByteArray())).toString();
            return checker.check(JSON.readTree(text));
        } catch (CharacterCodingException | JsonProcessingException e) {
            return checker.skip();
        }
    }
}

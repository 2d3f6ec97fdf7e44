// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Session-checks a JSON Lines stream (a file, or stdin) with {@link SessionChecker} and prints
 * each finding as one JSON line (the keys of {@code vrp-contract validate --format jsonl}). Each
 * line is read with the package's strict parser ({@link SessionChecker#checkLine}); a line that
 * holds no event (blank, not UTF-8, not JSON, trailing data...) is reported at its line as
 * {@code vrp-contract validate} reports it ({@code input.*}) and the stream goes on.
 *
 * <pre>
 * java -cp ... @@PACKAGE@@.VrpSessionCheck [--assume-open-sessions] [--policy FILE]
 *     [--remember-terminated N] [STREAM.jsonl]
 * </pre>
 *
 * <p>Exit status: 0 no error finding (warnings such as {@code input.blank-line} may be printed),
 * 1 error findings, 2 a usage error or a stream that cannot be read (one line on stderr).
 */
public final class VrpSessionCheck {
    private static final String USAGE = "usage: vrp-session-check [--assume-open-sessions]"
            + " [--policy FILE] [--remember-terminated N] [STREAM.jsonl]";
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
            System.err.println("vrp-session-check: " + e.getMessage());
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
                int count;
                try {
                    count = Integer.parseInt(args[i]);
                } catch (NumberFormatException e) {
                    throw new Failure("--remember-terminated needs a whole number (" + USAGE + ")");
                }
                if (count < 1) { // as validate: without a memory, terminated-final is never found
                    throw new Failure("--remember-terminated: expected at least 1, got " + count);
                }
                options = options.withRememberTerminated(count);
            } else if (path == null && (arg.equals("-") || !arg.startsWith("-"))) {
                path = arg;
            } else {
                throw new Failure("unexpected argument " + arg + " (" + USAGE + ")");
            }
        }
        return check(path, options, stdout);
    }

    private static Behaviour.Policy policy(Behaviour.Policy base, String file) throws Failure {
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new Failure(file + ": the policy file is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException | InvalidPathException e) {
            throw new Failure(file + ": cannot read the policy file: " + e.getMessage());
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
            long whole; // a whole-number float (1.0, 1e0) is the integer, as validate --policy reads it
            try {
                whole = value.isNumber() && Double.isFinite(value.doubleValue())
                        ? value.decimalValue().longValueExact() : 0;
            } catch (ArithmeticException e) {
                whole = 0;
            }
            if (whole < 1) {
                throw new Failure(file + ": field " + field.getKey() + ": must be an integer of at least 1, not "
                        + value);
            }
            Optional<Behaviour.Policy> next = policy.with(field.getKey(), whole);
            if (next.isEmpty()) {
                throw new Failure(file + ": field " + field.getKey() + ": not a policy key");
            }
            policy = next.get();
        }
        return policy;
    }

    private static int check(String path, SessionChecker.Options options, PrintStream stdout) throws Failure {
        String name = path == null || path.equals("-") ? "<stdin>" : path;
        InputStream in;
        if (name.equals("<stdin>")) {
            in = System.in;
        } else {
            try {
                in = Files.newInputStream(Path.of(path));
            } catch (NoSuchFileException e) {
                throw new Failure(path + ": cannot read: no such file");
            } catch (IOException | InvalidPathException e) {
                throw new Failure(path + ": cannot read: " + e.getMessage());
            }
        }
        SessionChecker checker = new SessionChecker(options);
        boolean errors = false;
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
        try (in) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            byte[] buffer = new byte[1 << 20];
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start);
                        errors |= checkLine(checker, line.toByteArray(), out);
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(buffer, start, n - start);
            }
            if (line.size() > 0) {
                errors |= checkLine(checker, line.toByteArray(), out); // no final newline
            }
            out.flush();
        } catch (IOException e) {
            flushQuietly(out);
            throw new Failure(name + ":" + (checker.events() + 1) + ": cannot read: " + e.getMessage());
        }
        return errors ? 1 : 0;
    }

    /** One line (without its newline); returns whether it had an error finding. */
    private static boolean checkLine(SessionChecker checker, byte[] line, BufferedWriter out)
            throws IOException {
        boolean errors = false;
        for (ObjectNode finding : checker.checkLineAsJson(line)) {
            out.write(finding.toString());
            out.write('\n');
            errors |= finding.get("severity").asText().equals(Behaviour.Severity.ERROR.value());
        }
        return errors;
    }

    private static void flushQuietly(BufferedWriter out) {
        try {
            out.flush();
        } catch (IOException e) {
            // the error being reported matters more
        }
    }
}

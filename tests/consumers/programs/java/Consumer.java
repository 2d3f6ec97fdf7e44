// A consumer of the Maven artifact: strict decode of every case (VrpEvents and a plain
// ObjectMapper), then encode.
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vrp.contract.@@REV_ID@@.DecodeException;
import dev.vrp.contract.@@REV_ID@@.EncodeException;
import dev.vrp.contract.@@REV_ID@@.MutationTick;
import dev.vrp.contract.@@REV_ID@@.PathSelected;
import dev.vrp.contract.@@REV_ID@@.PathSelectedDetails;
import dev.vrp.contract.@@REV_ID@@.UnknownEventTypeException;
import dev.vrp.contract.@@REV_ID@@.VrpEvent;
import dev.vrp.contract.@@REV_ID@@.VrpEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

public class Consumer {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String all = new String(Files.readAllBytes(Path.of(args[0])), StandardCharsets.UTF_8);
        for (String line : all.split("\n")) {
            if (line.isEmpty()) continue;
            ObjectNode out = JSON.createObjectNode();
            try {
                VrpEvent event = VrpEvents.decode(line);
                VrpEvent plain = new ObjectMapper().readValue(line, VrpEvent.class);
                if (!plain.equals(event)) throw new AssertionError("a plain ObjectMapper disagrees: " + line);
                // one event class read alone: the same event, or refused when of another type
                if (event instanceof PathSelected p) {
                    if (!p.equals(new ObjectMapper().readValue(line, PathSelected.class))) throw new AssertionError(line);
                } else {
                    try {
                        new ObjectMapper().readValue(line, PathSelected.class);
                        throw new AssertionError("PathSelected accepted another event type: " + line);
                    } catch (DecodeException other) {
                        if (!other.rule().equals("schema.const") || !other.pointer().equals("/event_type")) throw other;
                    }
                }
                String kind = event instanceof PathSelected p ? p.getDetails().getPathId() : event.getEventType();
                if (kind.isEmpty()) throw new AssertionError("empty");
                out.put("ok", true).put("encoded", VrpEvents.encode(event));
            } catch (DecodeException e) {
                try {
                    new ObjectMapper().readValue(line, VrpEvent.class);
                    throw new AssertionError("a plain ObjectMapper accepted " + line);
                } catch (DecodeException plain) {
                    if (!plain.getMessage().equals(e.getMessage())) throw new AssertionError(plain.getMessage());
                    DecodeException alone = null;
                    try {
                        VrpEvents.decode(line, PathSelected.class);
                    } catch (DecodeException x) {
                        alone = x;
                    }
                    if (alone == null || !alone.getMessage().equals(e.getMessage())) throw new AssertionError("PathSelected alone: " + line);
                } catch (JsonProcessingException plain) {
                    // text that is not JSON fails in Jackson's own parser first: same verdict
                    if (!e.rule().equals("input.not-json")) throw new AssertionError(line + ": " + plain);
                }
                out.put("ok", false).put("rule", e.rule()).put("pointer", e.pointer()).put("message", e.detail())
                        .put("unknown", e instanceof UnknownEventTypeException);
            }
            System.out.println(out);
        }
        Map<String, VrpEvent> bad = new LinkedHashMap<>();
        PathSelected pathIdEmpty = new PathSelected();
        pathIdEmpty.setTsMs(1L);
        pathIdEmpty.setSessionId("s");
        PathSelectedDetails details = new PathSelectedDetails();
        details.setPathId("");
        pathIdEmpty.setDetails(details);
        bad.put("path_id-empty", pathIdEmpty);
        MutationTick sessionIdEmpty = new MutationTick();
        sessionIdEmpty.setTsMs(1L);
        sessionIdEmpty.setSessionId("");
        bad.put("session_id-empty", sessionIdEmpty);
        MutationTick tsMsNegative = new MutationTick();
        tsMsNegative.setTsMs(-1L);
        tsMsNegative.setSessionId("s");
        bad.put("ts_ms-negative", tsMsNegative);
        for (Map.Entry<String, VrpEvent> e : bad.entrySet()) {
            ObjectNode out = JSON.createObjectNode().put("encode", e.getKey());
            try {
                VrpEvents.encode(e.getValue());
                out.put("ok", true);
            } catch (EncodeException x) {
                out.put("ok", false).put("rule", x.rule()).put("pointer", x.pointer());
            }
            System.out.println(out);
        }
    }
}

// @@HEADER@@
package @@PACKAGE@@;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Set;

/** Reading and writing events of this revision: a strict Jackson mapper plus Bean Validation. */
public final class VrpEvents {
    private static final ObjectMapper MAPPER = strictMapper();

    private VrpEvents() {}

    /** A mapper that rejects unknown keys, fractions for integers and scalar coercions. */
    public static ObjectMapper strictMapper() {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer}) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        // No property of the contract is nullable: `null` for any named property (a string, an
        // integer, an enum, an optional `details` object) is an error, not an absent key. The keys
        // an open `details` object does not name go through its any-setter and keep their nulls.
        mapper.setDefaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL));
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return mapper;
    }

    /**
     * Decodes one JSON event into its class (dispatching on {@code event_type}), then checks the
     * schema constraints the annotations carry (required keys, minLength, minimum, maximum).
     */
    public static VrpEvent decode(String json, Validator validator) throws JsonProcessingException {
        VrpEvent event = MAPPER.readValue(json, VrpEvent.class);
        Set<ConstraintViolation<VrpEvent>> violations = validator.validate(event);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return event;
    }

    /** Encodes an event back to JSON (optional keys left unset are omitted). */
    public static String encode(VrpEvent event) throws JsonProcessingException {
        return MAPPER.writeValueAsString(event);
    }
}

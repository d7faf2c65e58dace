package dev.memorag.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks raw bytes against a record's JSON Schema where records enter the system, and maps them to their Java
 * record. Schemas are read from the classpath ({@code schemas/*.schema.json}); their {@code $id}s never hit the
 * network.
 */
public final class RecordValidator {
    private static final String ID_PREFIX = "https://memorag.dev/schemas/";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, "classpath:schemas/")));

    private final Map<RecordType<?>, JsonSchema> schemas = new ConcurrentHashMap<>();

    /**
     * Parses and validates; throws {@link InvalidRecordException} naming the first offending fields, and nothing
     * else whatever the bytes, so a consumer can dead-letter on that one exception.
     */
    public <T> T parse(RecordType<T> type, byte[] bytes) {
        JsonNode node = readTree(bytes);
        check(type, node);
        try {
            return Json.MAPPER.treeToValue(node, type.javaType());
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(ErrorCode.SCHEMA_VIOLATION, e.getOriginalMessage());
        } catch (RuntimeException e) {
            throw new InvalidRecordException(
                    ErrorCode.SCHEMA_VIOLATION, type.javaType().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Validates an already parsed tree. */
    public void check(RecordType<?> type, JsonNode node) {
        Set<ValidationMessage> errors;
        try {
            errors = schema(type).validate(node);
        } catch (RuntimeException | StackOverflowError e) {
            throw new InvalidRecordException(
                    ErrorCode.SCHEMA_VIOLATION, type.javaType().getSimpleName() + ": cannot be validated: " + e);
        }
        if (!errors.isEmpty()) {
            String message = errors.stream()
                    .sorted(Comparator.comparing(ValidationMessage::getMessage))
                    .map(ValidationMessage::getMessage)
                    .collect(Collectors.joining("; "));
            throw new InvalidRecordException(
                    ErrorCode.SCHEMA_VIOLATION, type.javaType().getSimpleName() + ": " + message);
        }
    }

    private static JsonNode readTree(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "empty record value");
        }
        try {
            // Jackson would replace bad UTF-8 silently in some paths; reject it explicitly.
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "record value is not valid UTF-8");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InvalidRecordException(ErrorCode.MALFORMED_JSON, "empty record value");
            }
            return node;
        } catch (IOException e) {
            throw new InvalidRecordException(
                    ErrorCode.MALFORMED_JSON,
                    "record value is not JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private JsonSchema schema(RecordType<?> type) {
        return schemas.computeIfAbsent(type, t -> {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().build();
            return FACTORY.getSchema(com.networknt.schema.SchemaLocation.of(ID_PREFIX + t.schemaFile()), config);
        });
    }
}

package dev.memorag.schemas;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer, deserializer and Streams serde for one record type. The plain serde trusts its input (state
 * stores, records this process wrote itself); {@link #validating} checks every record against its schema and throws
 * {@link InvalidRecordException}, for topics that anyone with access to the cluster can write to, so that a
 * dead-letter handler gets the reason.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private static final RecordValidator VALIDATOR = new RecordValidator();

    private final Class<T> type;
    private final RecordType<T> validated;

    public JsonSerde(Class<T> type) {
        this(type, null);
    }

    private JsonSerde(Class<T> type, RecordType<T> validated) {
        this.type = type;
        this.validated = validated;
    }

    /** A serde whose deserializer validates against the record type's schema. */
    public static <T> JsonSerde<T> validating(RecordType<T> type) {
        return new JsonSerde<>(type.javaType(), type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : Json.write(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return validated != null ? VALIDATOR.parse(validated, data) : Json.read(data, type);
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the type is fixed at construction
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}

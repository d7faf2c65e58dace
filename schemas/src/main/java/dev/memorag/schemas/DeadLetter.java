package dev.memorag.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Why a record went to {@code memorag.dlq}, which stage refused it and where it came from. The dead-letter record
 * keeps the original key, bytes and headers; this reason travels in its headers (dead-letter.schema.json).
 *
 * @param stage the consumer that refused the record (a topic may have several, each refusing on its own)
 */
public record DeadLetter(
        String stage, ErrorCode code, String message, String sourceTopic, int sourcePartition, long sourceOffset) {

    public DeadLetter {
        message = message == null || message.isBlank() ? code.name() : message;
    }

    public void writeTo(Headers headers) {
        put(headers, HeaderNames.ERROR_STAGE, stage);
        put(headers, HeaderNames.ERROR_CODE, code.name());
        put(headers, HeaderNames.ERROR_MESSAGE, message);
        put(headers, HeaderNames.SOURCE_TOPIC, sourceTopic);
        put(headers, HeaderNames.SOURCE_PARTITION, Integer.toString(sourcePartition));
        put(headers, HeaderNames.SOURCE_OFFSET, Long.toString(sourceOffset));
    }

    /** The record for {@code topic} (the catalog's dlq): the original key, bytes and headers with this reason. */
    public ProducerRecord<byte[], byte[]> toRecord(String topic, byte[] key, byte[] value, Headers original) {
        Headers headers = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        writeTo(headers);
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    public static DeadLetter readFrom(Headers headers) {
        return new DeadLetter(
                get(headers, HeaderNames.ERROR_STAGE),
                ErrorCode.valueOf(get(headers, HeaderNames.ERROR_CODE)),
                get(headers, HeaderNames.ERROR_MESSAGE),
                get(headers, HeaderNames.SOURCE_TOPIC),
                Integer.parseInt(get(headers, HeaderNames.SOURCE_PARTITION)),
                Long.parseLong(get(headers, HeaderNames.SOURCE_OFFSET)));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The last value of a header as UTF-8 text, or null. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

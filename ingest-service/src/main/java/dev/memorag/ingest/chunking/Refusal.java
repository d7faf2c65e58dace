package dev.memorag.ingest.chunking;

import dev.memorag.schemas.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record of the documents topic that the chunker refused: the reason, and the original key, value and headers the
 * dead letter carries. Headers are kept as plain arrays so that Flink serializes the record as a POJO, not with Kryo.
 */
public record Refusal(DeadLetter reason, byte[] key, byte[] value, String[] headerNames, byte[][] headerValues) {

    static Refusal of(ConsumerRecord<byte[], byte[]> record, DeadLetter reason) {
        Header[] headers = record.headers().toArray();
        String[] names = new String[headers.length];
        byte[][] values = new byte[headers.length][];
        for (int i = 0; i < headers.length; i++) {
            names[i] = headers[i].key();
            values[i] = headers[i].value();
        }
        return new Refusal(reason, record.key(), record.value(), names, values);
    }

    /** The dead-letter record for {@code topic}: the original key, bytes and headers with the reason's headers. */
    public ProducerRecord<byte[], byte[]> toRecord(String topic) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < headerNames.length; i++) {
            headers.add(headerNames[i], headerValues[i]);
        }
        return reason.toRecord(topic, key, value, headers);
    }
}

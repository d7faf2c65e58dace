package dev.memorag.query.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memorag.schemas.HeaderNames;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * A Kafka header may come without a value; Vert.x's view of headers throws on one. Reading the question's headers
 * threw in the intake after the record was taken, so its offset, and every later one, was never committed; a dead
 * letter of such a record failed to send.
 */
class NullHeaderValuesTest {

    @Test
    void headersWithoutAValueReadAsAbsentAndTheOthersStillRead() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", null);
        headers.add(HeaderNames.REPLY_TO, null);
        headers.add(HeaderNames.CORRELATION_ID, "c-1".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                "memorag.questions",
                0,
                7L,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                null,
                new byte[] {1},
                headers,
                java.util.Optional.empty());

        assertNull(ReplyDelivery.header(new KafkaConsumerRecordImpl<>(record), HeaderNames.REPLY_TO));
        assertEquals("c-1", ReplyDelivery.header(new KafkaConsumerRecordImpl<>(record), HeaderNames.CORRELATION_ID));
    }

    @Test
    void aDeadLetterKeepsAHeaderWithoutAValueAsAnEmptyOne() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", null);
        ProducerRecord<byte[], byte[]> dead =
                new ProducerRecord<>("memorag.dlq", null, new byte[] {1}, new byte[] {2}, headers);

        ProducerRecord<byte[], byte[]> sent = QueryDeadLetters.vertxRecord(dead).record();

        Header kept = sent.headers().lastHeader("traceparent");
        assertArrayEquals(new byte[0], kept.value());
        assertArrayEquals(new byte[] {2}, sent.value());
    }
}

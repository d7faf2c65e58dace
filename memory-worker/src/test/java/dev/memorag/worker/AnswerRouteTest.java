package dev.memorag.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memorag.schemas.HeaderNames;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class AnswerRouteTest {

    private static ConsumerRecord<byte[], byte[]> recall(String replyPartition) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("recall", 0, 0, null, new byte[0]);
        record.headers().add(HeaderNames.REPLY_TO, "my.answers".getBytes(StandardCharsets.UTF_8));
        record.headers().add(HeaderNames.AUTHORIZATION, "Bearer secret".getBytes(StandardCharsets.UTF_8));
        if (replyPartition != null) {
            record.headers().add(HeaderNames.REPLY_PARTITION, replyPartition.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    @Test
    void theAskersPartitionIsWhereTheEventsGo() {
        AnswerRoute route = AnswerRoute.of(recall("3"), 4);
        assertEquals(3, route.partition());
        assertEquals(
                java.util.List.of(HeaderNames.REPLY_TO, HeaderNames.REPLY_PARTITION),
                route.headers().stream().map(Header::key).toList(),
                "only routing headers travel on");
    }

    @Test
    void withoutAUsablePartitionTheEventsAreKeyedByQuestionId() {
        assertNull(AnswerRoute.of(recall(null), 4).partition());
        assertNull(AnswerRoute.of(recall("4"), 4).partition(), "past the last partition");
        assertNull(AnswerRoute.of(recall("-1"), 4).partition());
        assertNull(AnswerRoute.of(recall("two"), 4).partition());
        ConsumerRecord<byte[], byte[]> empty = recall(null);
        empty.headers().add(HeaderNames.REPLY_PARTITION, null);
        assertNull(AnswerRoute.of(empty, 4).partition(), "a header without a value");
    }
}

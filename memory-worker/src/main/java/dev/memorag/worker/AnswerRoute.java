package dev.memorag.worker;

import dev.memorag.schemas.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Where the answer events of one question go: the headers copied from its recall record (reply-to, correlation id,
 * reply partition) and the {@code answer-events} partition its asking query-service instance reads, when the record
 * named one. A reply partition that is not a partition of the topic is ignored (events are then keyed by question
 * id, as for records without one): recall records come from anyone who can produce, and a bad header must not stop
 * the answer.
 *
 * @param partition null: the producer's partitioner decides by question id
 */
record AnswerRoute(List<Header> headers, Integer partition) {
    private static final List<String> CARRIED =
            List.of(HeaderNames.REPLY_TO, HeaderNames.CORRELATION_ID, HeaderNames.REPLY_PARTITION);

    static AnswerRoute of(ConsumerRecord<?, ?> recall, int answerPartitions) {
        List<Header> headers = new ArrayList<>();
        recall.headers().forEach(h -> {
            if (CARRIED.contains(h.key())) {
                headers.add(h);
            }
        });
        Header partition = recall.headers().lastHeader(HeaderNames.REPLY_PARTITION);
        return new AnswerRoute(List.copyOf(headers), partition == null ? null : parse(partition, answerPartitions));
    }

    private static Integer parse(Header header, int answerPartitions) {
        if (header.value() == null) {
            return null;
        }
        try {
            int partition = Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8).strip());
            return partition >= 0 && partition < answerPartitions ? partition : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

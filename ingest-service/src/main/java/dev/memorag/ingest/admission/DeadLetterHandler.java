package dev.memorag.ingest.admission;

import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission application's answer to a record it cannot use: a record that does not deserialize, or whose
 * processing throws, goes to {@code errors.dead.letter.queue.topic.name} with the project's dead-letter headers and
 * the stream goes on (Streams counts it in its {@code dropped-records} metric and commits past it in the same
 * transaction as the dead letter). A state store failure is not the record's fault: it fails the task instead.
 *
 * <p>The global corpora store cannot produce (its thread has no record collector): it skips what it cannot read,
 * and the {@code corpora} sub-topology, a regular task over the same topic, dead-letters it once.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);
    /** Stage names on dead letters: {@code ingest.<node>}. */
    static final String STAGE_PREFIX = "ingest.";

    private String topic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (name == null) {
            throw new IllegalArgumentException(
                    StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must name the dead-letter topic");
        }
        topic = name.toString();
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (context.taskId().subtopology() < 0) {
            log.warn(
                    "global store skips {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    exception.getMessage());
            return DeserializationExceptionHandler.Response.resume();
        }
        return DeserializationExceptionHandler.Response.resume(
                List.of(deadLetter(context, record.key(), record.value(), record.headers(), exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof ProcessorStateException) {
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(List.of(
                deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), context.headers(), exception)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(
            ErrorHandlerContext context, byte[] key, byte[] value, Headers headers, Exception exception) {
        ErrorCode code = exception instanceof InvalidRecordException invalid ? invalid.code() : ErrorCode.INTERNAL;
        String message = exception instanceof InvalidRecordException
                ? exception.getMessage()
                : exception.getClass().getSimpleName() + ": " + exception.getMessage();
        log.warn(
                "dead-lettering {}-{}@{} at {}: {} {}",
                context.topic(),
                context.partition(),
                context.offset(),
                context.processorNodeId(),
                code,
                message);
        return new DeadLetter(
                        STAGE_PREFIX + context.processorNodeId(),
                        code,
                        message,
                        context.topic(),
                        context.partition(),
                        context.offset())
                .toRecord(topic, key, value, headers);
    }
}

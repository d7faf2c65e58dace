package dev.memorag.worker;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.CorpusKeys;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns the worker's input records into chunks and questions, or refuses them with {@link InvalidRecordException}:
 * anything that can produce to the cluster can write to these topics, so each record is checked against its schema
 * and against what a worker can use (its key is its corpus, its index lies within its count, its vector has the
 * retriever's dimensions).
 */
final class WorkerInputs {
    private final RecordValidator validator = new RecordValidator();

    Chunk chunk(ConsumerRecord<byte[], byte[]> record) {
        Chunk chunk = validator.parse(RecordType.CHUNK, record.value());
        CorpusKeys.require(record.key(), chunk.corpus());
        if (chunk.op() == Op.UPSERT) {
            if (chunk.index() >= chunk.count()) {
                throw inconsistent(
                        "chunk " + chunk.index() + " of a document version with " + chunk.count() + " chunks");
            }
            if (chunk.vector().length != Embedder.DIMENSIONS) {
                throw inconsistent("a vector of " + chunk.vector().length + " dimensions; the retriever ("
                        + Embedder.MODEL + ") has " + Embedder.DIMENSIONS);
            }
            for (float x : chunk.vector()) {
                if (!Float.isFinite(x)) {
                    throw inconsistent("a vector with a value that is not finite");
                }
            }
        }
        return chunk;
    }

    Question question(ConsumerRecord<byte[], byte[]> record) {
        Question question = validator.parse(RecordType.QUESTION, record.value());
        CorpusKeys.require(record.key(), question.corpus());
        return question;
    }

    private static InvalidRecordException inconsistent(String what) {
        return new InvalidRecordException(ErrorCode.INCONSISTENT, "the record holds " + what);
    }
}

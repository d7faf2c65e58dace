package dev.memorag.query.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import java.time.Instant;

/**
 * The OpenAI objects that answer one question: a {@code chat.completion}, or {@code chat.completion.chunk}s, all with
 * the same id, model (the corpus) and creation time. The last one carries the extension field {@code memorag}: the
 * answer record of answer.schema.json without its text (clues, evidence, memory watermark, generator, retrieval,
 * timings), which plain OpenAI clients ignore. Token usage is left out: the generators do not all count tokens.
 */
final class Completions {
    private final String id;
    private final String model;
    private final long created = Instant.now().getEpochSecond();

    Completions(Question question) {
        this.id = "chatcmpl-" + question.id();
        this.model = question.corpus();
    }

    /** The whole answer as one {@code chat.completion}. */
    ObjectNode completion(Answer answer) {
        ObjectNode completion = head("chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", answer.answer());
        choice.put("finish_reason", "stop");
        completion.set("memorag", extension(answer));
        return completion;
    }

    /** A chunk adding {@code content} (and the role, in the first chunk) to the streamed message. */
    ObjectNode delta(String content, boolean first) {
        ObjectNode chunk = head("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", content);
        choice.putNull("finish_reason");
        return chunk;
    }

    /** The last chunk: an empty delta, {@code finish_reason} stop, and the extension. */
    ObjectNode last(Answer answer) {
        ObjectNode chunk = head("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", "stop");
        chunk.set("memorag", extension(answer));
        return chunk;
    }

    private ObjectNode head(String object) {
        return Json.MAPPER
                .createObjectNode()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model);
    }

    private static ObjectNode extension(Answer answer) {
        return Json.MAPPER.valueToTree(new Answer(
                answer.schemaVersion(),
                answer.questionId(),
                answer.corpus(),
                null,
                answer.clues(),
                answer.evidence(),
                answer.memory(),
                answer.generator(),
                answer.retrieval(),
                answer.timings(),
                null));
    }
}

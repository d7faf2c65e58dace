package dev.memorag.schemas;

/** A record type of the contract: its Java mirror and the schema file that defines it. */
public record RecordType<T>(Class<T> javaType, String schemaFile) {
    public static final RecordType<Document> DOCUMENT = new RecordType<>(Document.class, "document.schema.json");
    public static final RecordType<AdmittedDocument> ADMITTED_DOCUMENT =
            new RecordType<>(AdmittedDocument.class, "admitted-document.schema.json");
    public static final RecordType<Chunk> CHUNK = new RecordType<>(Chunk.class, "chunk.schema.json");
    public static final RecordType<Question> QUESTION = new RecordType<>(Question.class, "question.schema.json");
    public static final RecordType<Answer> ANSWER = new RecordType<>(Answer.class, "answer.schema.json");
    public static final RecordType<AnswerEvent> ANSWER_EVENT =
            new RecordType<>(AnswerEvent.class, "answer-event.schema.json");
    public static final RecordType<Corpus> CORPUS = new RecordType<>(Corpus.class, "corpus.schema.json");
    public static final RecordType<Progress> PROGRESS = new RecordType<>(Progress.class, "progress.schema.json");
}

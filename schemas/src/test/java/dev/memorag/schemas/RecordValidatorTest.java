package dev.memorag.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordValidatorTest {
    private final RecordValidator validator = new RecordValidator();

    static Stream<Arguments> validExamples() {
        return Stream.of(
                Arguments.of(RecordType.DOCUMENT, """
                        {"schemaVersion":1,"corpus":"dickens","id":"carol.txt","op":"upsert","text":"Marley was dead.",
                         "title":"A Christmas Carol","metadata":{"lang":"en"}}"""),
                Arguments.of(RecordType.DOCUMENT, """
                        {"schemaVersion":1,"corpus":"dickens","id":"carol.txt","op":"delete"}"""),
                Arguments.of(RecordType.ADMITTED_DOCUMENT, """
                        {"schemaVersion":1,"corpus":"dickens","id":"carol.txt","op":"upsert","text":"x","version":2,
                         "sha256":"%s","admittedAt":1700000000000}""".formatted("a".repeat(64))),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"dickens","doc":"carol.txt","version":1,"index":0,"count":3,
                         "op":"upsert","text":"Marley was dead.","tokenCount":5,"vector":[0.1,-0.2]}"""),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"dickens","doc":"carol.txt","version":2,"index":0,"count":0,
                         "op":"delete"}"""),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"dickens","doc":"carol.txt","version":1,"index":1,"count":3,
                         "op":"upsert","text":"Marley was dead.","tokenCount":5,"vector":[0.1],"start":40,"end":56}"""),
                Arguments.of(RecordType.QUESTION, """
                        {"schemaVersion":1,"id":"q1","corpus":"dickens","question":"Who was dead?","task":"qa",
                         "topK":3,"maxTokens":128,"clues":true,"stream":false}"""),
                Arguments.of(RecordType.ANSWER, """
                        {"schemaVersion":1,"questionId":"q1","corpus":"dickens","answer":"Marley",
                         "clues":["Who was dead?"],"evidence":[{"doc":"carol.txt","index":0,"score":0.8,"text":"t"}],
                         "memory":{"backend":"beacon","documents":1,"chunks":1,"tokens":4200,"windows":2,"lag":0,
                                  "stale":false},
                         "generator":"extractive","timings":{"totalMs":12}}"""),
                Arguments.of(RecordType.ANSWER, """
                        {"schemaVersion":1,"questionId":"q1","corpus":"dickens","answer":"Marley was dead.",
                         "evidence":[{"doc":"carol.txt","index":1,"score":0.8,"text":"Oh! Marley was dead.","start":36,
                                      "end":56,"highlights":[{"start":40,"end":56}]}]}"""),
                Arguments.of(RecordType.ANSWER, """
                        {"schemaVersion":1,"questionId":"q1","corpus":"dickens",
                         "error":{"code":"TIMEOUT","message":"no answer in 30 s"}}"""),
                Arguments.of(RecordType.ANSWER_EVENT, """
                        {"schemaVersion":1,"questionId":"q1","corpus":"dickens","type":"token","seq":3,"text":"Mar"}"""),
                Arguments.of(RecordType.ANSWER_EVENT, """
                        {"schemaVersion":1,"questionId":"q1","corpus":"dickens","type":"done","seq":4,
                         "answer":{"schemaVersion":1,"questionId":"q1","corpus":"dickens","answer":"Marley"}}"""),
                Arguments.of(RecordType.CORPUS, """
                        {"schemaVersion":1,"id":"dickens","tokenSha256":"%s","createdAt":1}""".formatted("b".repeat(64))),
                Arguments.of(RecordType.PROGRESS, """
                        {"schemaVersion":1,"corpus":"dickens","doc":"carol.txt","version":2,"stage":"memorized",
                         "chunks":3,"corpusDocuments":1,"corpusChunks":3,"corpusTokens":900,"memoryBackend":"beacon",
                         "memoryTokens":1120,"memoryWindows":0,"memoryLag":0,"memoryStale":false,"at":1700000000000}"""));
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void acceptsValidExamplesAndRoundTripsThem(RecordType<?> type, String json) throws Exception {
        Object parsed = validator.parse(type, json.getBytes(StandardCharsets.UTF_8));
        assertEquals(type.javaType(), parsed.getClass());
        assertEquals(
                Json.MAPPER.readTree(json),
                Json.MAPPER.readTree(Json.write(parsed)),
                "the Java record mirrors the schema field for field");
    }

    static Stream<Arguments> invalidExamples() {
        return Stream.of(
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"id\":\"d\",\"op\":\"upsert\",\"text\":\"t\"}",
                        "corpus"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"corpus\":\"Bad Corpus\",\"id\":\"d\",\"op\":\"upsert\",\"text\":\"t\"}",
                        "corpus"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"corpus\":\"c\",\"id\":\"d\",\"op\":\"merge\",\"text\":\"t\"}",
                        "op"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"corpus\":\"c\",\"id\":\"d\",\"op\":\"upsert\"}",
                        "text"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"corpus\":\"c\",\"id\":\"d\",\"op\":\"upsert\",\"text\":\"  \\n \"}",
                        "text"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":2,\"corpus\":\"c\",\"id\":\"d\",\"op\":\"upsert\",\"text\":\"t\"}",
                        "schemaVersion"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"corpus\":\"c\",\"id\":\"a/b\",\"op\":\"upsert\",\"text\":\"t\"}",
                        "id"),
                Arguments.of(
                        RecordType.DOCUMENT,
                        "{\"schemaVersion\":1,\"corpus\":\"c\",\"id\":\"d\",\"op\":\"upsert\",\"text\":\"t\",\"colour\":1}",
                        "colour"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"index":-1,"count":1,"op":"upsert",
                         "text":"t","tokenCount":1,"vector":[1]}""", "index"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"index":0,"count":1,"op":"upsert",
                         "text":"t","tokenCount":1}""", "vector"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d\\u0000x","version":1,"index":0,"count":0,
                         "op":"delete"}""", "doc"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"index":0,"count":1,"op":"upsert",
                         "text":"t","tokenCount":1,"vector":[1],"start":9,"end":8}""", "start"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"index":0,"count":1,"op":"upsert",
                         "text":"t","tokenCount":1,"vector":[1],"start":-1,"end":8}""", "start"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"index":0,"count":1,"op":"upsert",
                         "text":"t","tokenCount":1,"vector":[1],"start":3}""", "end"),
                Arguments.of(RecordType.CHUNK, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"index":0,"count":1,"op":"upsert",
                         "text":"two words","tokenCount":1,"vector":[1],"start":3,"end":4}""", "span the text"),
                Arguments.of(RecordType.ANSWER, """
                        {"schemaVersion":1,"questionId":"q","corpus":"c","answer":"a","evidence":[{"doc":"d",
                         "index":0,"score":1,"text":"t","start":0,"end":5,"highlights":[{"start":2,"end":9}]}]}""", "highlight"),
                Arguments.of(
                        RecordType.QUESTION,
                        "{\"schemaVersion\":1,\"id\":\"q\",\"corpus\":\"c\",\"question\":\"\"}",
                        "question"),
                Arguments.of(
                        RecordType.QUESTION,
                        "{\"schemaVersion\":1,\"id\":\"q\",\"corpus\":\"c\",\"question\":\"why?\",\"topK\":0}",
                        "topK"),
                Arguments.of(
                        RecordType.QUESTION,
                        "{\"schemaVersion\":1,\"id\":\"q\",\"corpus\":\"c\",\"question\":\"why?\",\"task\":\"poem\"}",
                        "task"),
                Arguments.of(
                        RecordType.ANSWER, "{\"schemaVersion\":1,\"questionId\":\"q\",\"corpus\":\"c\"}", "answer"),
                Arguments.of(
                        RecordType.ANSWER_EVENT,
                        "{\"schemaVersion\":1,\"questionId\":\"q\",\"corpus\":\"c\",\"type\":\"token\",\"seq\":0}",
                        "text"),
                Arguments.of(
                        RecordType.ANSWER_EVENT,
                        "{\"schemaVersion\":1,\"questionId\":\"q\",\"corpus\":\"c\",\"type\":\"done\",\"seq\":0}",
                        "answer"),
                Arguments.of(
                        RecordType.CORPUS,
                        "{\"schemaVersion\":1,\"id\":\"c\",\"tokenSha256\":\"secret\",\"createdAt\":1}",
                        "tokenSha256"),
                Arguments.of(RecordType.PROGRESS, """
                        {"schemaVersion":1,"corpus":"c","doc":"d","version":1,"stage":"chunked","chunks":1,
                         "corpusDocuments":1,"corpusChunks":1,"corpusTokens":9,"memoryBackend":"none","memoryTokens":0,
                         "memoryWindows":0,"memoryLag":0,"memoryStale":false,"at":1}""", "stage"));
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void rejectsInvalidExamplesNamingTheField(RecordType<?> type, String json, String field) {
        InvalidRecordException e = assertThrows(
                InvalidRecordException.class, () -> validator.parse(type, json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.SCHEMA_VIOLATION, e.code());
        assertTrue(e.getMessage().contains(field), () -> "message names '" + field + "': " + e.getMessage());
    }

    @Test
    void rejectsBytesThatAreNotJson() {
        InvalidRecordException e = assertThrows(
                InvalidRecordException.class,
                () -> validator.parse(RecordType.DOCUMENT, "{\"corpus\": ".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.MALFORMED_JSON, e.code());
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        InvalidRecordException e =
                assertThrows(InvalidRecordException.class, () -> validator.parse(RecordType.DOCUMENT, bytes));
        assertEquals(ErrorCode.MALFORMED_JSON, e.code());
        assertTrue(e.getMessage().contains("UTF-8"));
    }

    @Test
    void rejectsEmptyValue() {
        assertEquals(
                ErrorCode.MALFORMED_JSON,
                assertThrows(InvalidRecordException.class, () -> validator.parse(RecordType.QUESTION, new byte[0]))
                        .code());
    }
}

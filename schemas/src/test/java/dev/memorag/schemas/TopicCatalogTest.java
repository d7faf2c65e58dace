package dev.memorag.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {
    @Test
    void prefixesEveryTopicAndCoPartitionsCorpusKeyedOnes() {
        TopicCatalog catalog = new TopicCatalog("team-a.", 6);
        assertEquals("team-a.documents.in", catalog.documentsIn());
        assertTrue(catalog.all().stream().allMatch(t -> t.name().startsWith("team-a.")));
        Set<Integer> corpusKeyed = catalog.all().stream()
                .filter(t -> Set.of(catalog.documentsIn(), catalog.documents(), catalog.chunks(), catalog.recall())
                        .contains(t.name()))
                .map(TopicCatalog.TopicSpec::partitions)
                .collect(Collectors.toSet());
        assertEquals(Set.of(6), corpusKeyed);
        assertEquals(
                "compact",
                catalog.all().stream()
                        .filter(t -> t.name().equals(catalog.corpora()))
                        .findFirst()
                        .orElseThrow()
                        .configs()
                        .get("cleanup.policy"));
        assertEquals(
                "-1",
                catalog.all().stream()
                        .filter(t -> t.name().equals(catalog.chunks()))
                        .findFirst()
                        .orElseThrow()
                        .configs()
                        .get("retention.ms"),
                "chunks are kept to rebuild memory from them");
    }

    @Test
    void deadLetterReasonRoundTripsThroughHeaders() {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        DeadLetter reason =
                new DeadLetter("admission", ErrorCode.SCHEMA_VIOLATION, "Document: $.text: missing", "in", 2, 41);
        reason.writeTo(headers);
        assertEquals(reason, DeadLetter.readFrom(headers));
    }

    @Test
    void aCorpusAcceptsOnlyItsOwnTokenAndNeverStoresIt() {
        Corpus corpus = Corpus.register("dickens", "s3cret-token", 1);
        assertTrue(corpus.acceptsToken("s3cret-token"));
        assertFalse(corpus.acceptsToken("s3cret-token2"));
        assertFalse(corpus.acceptsToken(null));
        assertFalse(new String(Json.write(corpus), java.nio.charset.StandardCharsets.UTF_8).contains("s3cret"));
    }
}

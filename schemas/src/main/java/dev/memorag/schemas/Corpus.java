package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A corpus registration on the compacted {@code memorag.corpora} topic; mirrors corpus.schema.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Corpus(int schemaVersion, String id, String tokenSha256, long createdAt, Integer chunkTokens,
                     String memoryBackend) {
}

package dev.memorag.ingest.chunking;

/** A run of whole sentences of a document, with its retriever token count. */
public record Passage(String text, int tokenCount) {
}

package dev.memorag.ingest.chunking;

/**
 * A run of whole sentences of a document, with its retriever token count and its place in the document's text:
 * {@code text} is exactly {@code documentText.substring(start, end)}, no whitespace at either end.
 */
public record Passage(String text, int tokenCount, int start, int end) {}

package dev.memorag.worker.recall;

/**
 * A sentence of an evidence passage: which passage ({@code passage}, its place in the evidence list), its offsets in
 * that passage's text ({@code end} exclusive), and its words on one line, as an answer quotes it.
 */
public record Sentence(int passage, int start, int end, String text) {}

package dev.memorag.ingest.chunking;

import dev.memorag.schemas.AdmittedDocument;

/** One record of the documents topic as the chunker read it: exactly one of a usable document or a refusal. */
public record ChunkerInput(AdmittedDocument document, Refusal refusal) {

    static ChunkerInput of(AdmittedDocument document) {
        return new ChunkerInput(document, null);
    }

    static ChunkerInput of(Refusal refusal) {
        return new ChunkerInput(null, refusal);
    }
}

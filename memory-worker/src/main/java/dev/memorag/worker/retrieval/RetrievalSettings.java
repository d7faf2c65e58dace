package dev.memorag.worker.retrieval;

import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;

/**
 * How the worker retrieves passages.
 *
 * @param mode          the retrieval of questions that name none ({@code MEMORAG_RETRIEVAL})
 * @param annThreshold  passages from which a corpus's vectors are searched in an HNSW graph rather than exactly
 *                      ({@code MEMORAG_ANN_THRESHOLD})
 * @param cacheBytes    heap for corpus indexes; least recently used ones are dropped beyond it and rebuilt from the
 *                      store on their next question ({@code MEMORAG_INDEX_CACHE_BYTES})
 */
public record RetrievalSettings(Retrieval mode, int annThreshold, long cacheBytes) {
    public RetrievalSettings {
        if (mode == null) {
            throw new IllegalArgumentException("a default retrieval is needed: dense, bm25 or hybrid");
        }
        if (annThreshold < 1) {
            throw new IllegalArgumentException("ANN threshold " + annThreshold + " must be at least 1");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("index cache bytes " + cacheBytes + " must not be negative");
        }
    }

    public static RetrievalSettings of(Settings settings) {
        return new RetrievalSettings(
                settings.get(SettingsCatalogue.RETRIEVAL),
                settings.get(SettingsCatalogue.ANN_THRESHOLD),
                settings.get(SettingsCatalogue.INDEX_CACHE_BYTES));
    }

    public static RetrievalSettings defaults() {
        return of(Settings.defaults());
    }
}

package dev.memorag.worker.gist;

import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;

/**
 * How the {@code gist} memory backend cuts and bounds a corpus's memory.
 *
 * @param groupTokens   ({@code MEMORAG_GIST_TOKENS}) retriever tokens per group of passages summarized into one gist (MemoRAG-Lite uses 4096)
 * @param contextTokens ({@code MEMORAG_GIST_CONTEXT_TOKENS}) the memory's budget in the endpoint's context: past it, the oldest gists are folded into
 *                      higher-level gists
 */
public record GistSettings(int groupTokens, int contextTokens) {
    /** MemoRAG-Lite's budget for one gist. */
    public static final int GIST_MAX_TOKENS = 512;

    public GistSettings {
        if (groupTokens < 1) {
            throw new IllegalArgumentException("gist group tokens " + groupTokens + " must be at least 1");
        }
        // a fold takes up to half the budget and writes up to one gist: it must leave room to shrink the memory
        if (contextTokens < 4 * GIST_MAX_TOKENS) {
            throw new IllegalArgumentException("gist context tokens " + contextTokens + " must be at least "
                    + 4 * GIST_MAX_TOKENS + " (four gists)");
        }
    }

    public static GistSettings of(Settings settings) {
        return new GistSettings(
                settings.get(SettingsCatalogue.GIST_TOKENS), settings.get(SettingsCatalogue.GIST_CONTEXT_TOKENS));
    }

    public static GistSettings defaults() {
        return of(Settings.defaults());
    }
}

package dev.memorag.worker.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The checkpoint's tokenizer.json through DJL's Hugging Face tokenizer, without automatic special tokens (templates add them). */
public final class ModelTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static ModelTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) throw new ModelLoadException("missing " + tokenizerJson);
        try {
            return new ModelTokenizer(HuggingFaceTokenizer.newInstance(
                    tokenizerJson,
                    Map.of(
                            "addSpecialTokens",
                            "false",
                            "truncation",
                            "false",
                            "padding",
                            "false",
                            "maxLength",
                            "100000000")));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return tokenizer.decode(l, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

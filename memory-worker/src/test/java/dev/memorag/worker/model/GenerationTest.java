package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sampling, stop conditions, streaming text, tokenizer and chat templates on a tiny checkpoint. */
class GenerationTest {
    @TempDir
    static Path tmp;

    static BeaconModel model;
    static ModelTokenizer tokenizer;

    @BeforeAll
    static void load() {
        Path dir = TinyModels.write(tmp.resolve("qwen2"), TinyCheckpointWriter.Spec.tiny("qwen2", 32, 4));
        model = BeaconModel.load(dir, ComputeDevice.cpu(), null);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            tokenizer = ModelTokenizer.load(checkpoint.tokenizerFile());
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void samplerGreedyTopPAndSeed() {
        float[] logits = {0.1f, 2.0f, 1.9f, -1f};
        assertEquals(1, new Sampler(GenerationOptions.greedy(1, Set.of())).next(logits));
        GenerationOptions sampled = GenerationOptions.greedy(1, Set.of()).withSampling(1.0, 1.0, 99);
        Sampler a = new Sampler(sampled);
        Sampler b = new Sampler(sampled);
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            int x = a.next(logits);
            assertEquals(x, b.next(logits), "same seed, same draws");
            counts[x]++;
        }
        // softmax(0.1, 2, 1.9, -1) ~ (0.07, 0.47, 0.43, 0.02)
        assertTrue(
                counts[1] > 1700 && counts[1] < 2100 && counts[2] > 1550 && counts[0] > 180 && counts[3] < 150,
                java.util.Arrays.toString(counts));
        Sampler nucleus = new Sampler(GenerationOptions.greedy(1, Set.of()).withSampling(1.0, 0.5, 5));
        for (int i = 0; i < 200; i++) {
            int x = nucleus.next(logits);
            assertTrue(x == 1 || x == 2, "top-p 0.5 keeps the two best tokens, got " + x);
        }
    }

    @Test
    void greedyArgmaxOnTheDeviceEqualsTheJavaOne() {
        Sampler greedy = new Sampler(GenerationOptions.greedy(1, Set.of()));
        java.util.Random r = new java.util.Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 50; i++) {
                float[] logits = new float[1000];
                for (int j = 0; j < logits.length; j++) logits[j] = (float) r.nextGaussian();
                // Equal maxima: both take the first.
                logits[100 + i] = 9f;
                logits[700 - i] = 9f;
                assertEquals(Sampler.argmax(logits), greedy.next(m.create(logits)));
                assertEquals(100 + i, greedy.next(m.create(logits)));
            }
        }
    }

    @Test
    void greedyGenerationEqualsFeedingBackTheArgmaxOfTheLogits() {
        try (BeaconMemory memory = BeaconMemory.empty(model)) {
            memory.extend(TinyModels.tokens(5, 70));
            int[] prompt = TinyModels.tokens(6, 8);
            int[] generated;
            try (RecallSession s = new RecallSession(memory)) {
                generated = s.generate(prompt, GenerationOptions.greedy(40, Set.of()), t -> true);
            }
            int[] expected = new int[generated.length];
            try (RecallSession s = new RecallSession(memory)) {
                float[] logits = s.feed(prompt);
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = Sampler.argmax(logits);
                    logits = s.feed(new int[] {expected[i]});
                }
            }
            assertEquals(40, generated.length);
            assertArrayEquals(
                    expected, generated, "the device argmax picks what the Java argmax over the copied logits picks");
        }
    }

    @Test
    void stopsOnEosAndStreamsTokens() {
        try (BeaconMemory memory = BeaconMemory.empty(model)) {
            memory.extend(TinyModels.tokens(5, 40));
            int[] prompt = TinyModels.tokens(6, 8);
            int[] free;
            try (RecallSession s = new RecallSession(memory)) {
                free = s.generate(prompt, GenerationOptions.greedy(6, Set.of()), t -> true);
            }
            assertEquals(6, free.length);
            try (RecallSession s = new RecallSession(memory)) {
                int[] stopped = s.generate(prompt, GenerationOptions.greedy(6, Set.of(free[2])), t -> true);
                int firstStop = 0;
                while (free[firstStop] != free[2]) firstStop++;
                assertArrayEquals(
                        java.util.Arrays.copyOf(free, firstStop),
                        stopped,
                        "EOS id ends generation and is not returned");
            }
            try (RecallSession s = new RecallSession(memory)) {
                int[] count = {0};
                int[] cut = s.generate(prompt, GenerationOptions.greedy(6, Set.of()), t -> ++count[0] < 3);
                assertArrayEquals(
                        java.util.Arrays.copyOf(free, 3), cut, "listener returning false stops after that token");
            }
        }
    }

    @Test
    void textGenerationStreamsAndCutsAtStopString() {
        TextGenerator generator = new TextGenerator(model, tokenizer);
        ChatTemplate template = ChatTemplate.forModelType("qwen2");
        try (BeaconMemory memory = BeaconMemory.empty(model)) {
            memory.extend(tokenizer.encode(
                    template.userPrefix() + "the quick brown fox jumps over the lazy dog. ".repeat(6)));
            String prompt = template.userSuffixAndReply("", "I have read the article.")
                    + template.nextUserTurn("what did the fox do?");
            StringBuilder streamed = new StringBuilder();
            GenerationOptions options = GenerationOptions.greedy(12, Set.of(TinyCheckpointWriter.SEP_ID));
            String full = generator.generate(memory, prompt, options, streamed::append);
            assertEquals(full, streamed.toString());
            assertTrue(full.length() > 6, "random tiny model still produces text: '" + full + "'");
            String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
            StringBuilder streamed2 = new StringBuilder();
            String cut = generator.generate(memory, prompt, options.withStopStrings(List.of(stop)), streamed2::append);
            assertEquals(full.substring(0, full.indexOf(stop)), cut);
            assertEquals(
                    cut,
                    streamed2.toString(),
                    "text held back for a possible stop string is never streamed past the stop");
            assertNotEquals(full, cut);
        }
    }

    @Test
    void plainCausalLmUsesItsKvCacheAndNoBeacons() {
        int[] tokens = TinyModels.tokens(9, 80); // longer than a window: a plain session never compresses
        float[] oneShot;
        try (RecallSession s = RecallSession.plain(model)) {
            oneShot = s.feed(tokens);
        }
        try (RecallSession s = RecallSession.plain(model)) {
            float[] last = null;
            for (int pos = 0; pos < tokens.length; pos += 7) {
                last = s.feed(java.util.Arrays.copyOfRange(tokens, pos, Math.min(tokens.length, pos + 7)));
            }
            assertTrue(TinyModels.maxAbsDiff(oneShot, last) < 1e-4, "cached decoding equals one pass");
        }
        // Fewer tokens than the ratio: the beacon stream has no beacon yet, so both modes agree.
        int[] three = java.util.Arrays.copyOf(tokens, 3);
        try (RecallSession plain = RecallSession.plain(model);
                BeaconMemory empty = BeaconMemory.empty(model);
                RecallSession beacon = new RecallSession(empty)) {
            assertTrue(TinyModels.maxAbsDiff(plain.feed(three), beacon.feed(three)) < 1e-5);
            // With more tokens the beacon stream differs (beacons are attended to), the plain one does not have them.
            int[] more = java.util.Arrays.copyOfRange(tokens, 3, 12);
            assertTrue(TinyModels.maxAbsDiff(plain.feed(more), beacon.feed(more)) > 1e-3);
        }
    }

    @Test
    void tokenizerAndTemplatesRoundTrip() {
        int[] ids = tokenizer.encode("hello world");
        assertEquals(2, ids.length);
        assertEquals("hello world", tokenizer.decode(ids));
        assertTrue(
                java.util.Arrays.stream(tokenizer.encode("a long sentence of words"))
                        .allMatch(i -> i < model.config().beaconTokenId()),
                "the beacon id is outside the tokenizer vocabulary");
        ChatTemplate qwen = ChatTemplate.forModelType("qwen2");
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", qwen.nextUserTurn("hi"));
        ChatTemplate mistral = ChatTemplate.forModelType("mistral");
        assertEquals("[INST] corpus [/INST]ok</s>", mistral.userPrefix() + mistral.userSuffixAndReply("corpus", "ok"));
        assertTrue(mistral.startsWithBos());
        assertTrue(!qwen.startsWithBos());
    }
}

package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReaderTest {
    static final Path SAMPLE = Path.of("src/test/resources/eval/sample.jsonl");

    @TempDir
    Path dir;

    @Test
    void readsEveryLineWithItsFields() throws IOException {
        List<EvalExample> examples = EvalReader.read(List.of(SAMPLE), Set.of(), 0);
        assertEquals(
                List.of("h-01", "h-02", "h-03", "h-04", "o-01"),
                examples.stream().map(EvalExample::id).toList());
        EvalExample second = examples.get(1);
        assertEquals("harbour", second.task());
        assertEquals("How many sailors from the schooner Wren were rescued?", second.question());
        assertEquals(List.of("all eleven sailors", "eleven"), second.answers());
    }

    @Test
    void linesThatShareAContextShareAValidCorpusId() throws IOException {
        List<EvalExample> examples = EvalReader.read(List.of(SAMPLE), Set.of(), 0);
        assertEquals(2, examples.stream().map(EvalExample::corpus).distinct().count());
        assertEquals(examples.get(0).corpus(), examples.get(3).corpus());
        assertNotEquals(examples.get(0).corpus(), examples.get(4).corpus());
        examples.forEach(e -> assertTrue(e.corpus().matches("^[a-z0-9][a-z0-9._-]{0,62}$"), e.corpus()));
    }

    @Test
    void tasksAndLimitSelectExamplesInFileOrder() throws IOException {
        assertEquals(
                List.of("o-01"),
                EvalReader.read(List.of(SAMPLE), Set.of("oatcakes"), 0).stream()
                        .map(EvalExample::id)
                        .toList());
        assertEquals(
                List.of("h-01", "h-02"),
                EvalReader.read(List.of(SAMPLE), Set.of(), 2).stream()
                        .map(EvalExample::id)
                        .toList());
        // the limit counts across files, after the task filter
        assertEquals(
                List.of("h-01", "h-02", "h-03", "h-04", "o-01", "h-01"),
                EvalReader.read(List.of(SAMPLE, SAMPLE), Set.of(), 6).stream()
                        .map(EvalExample::id)
                        .toList());
        assertEquals(
                2,
                EvalReader.read(List.of(SAMPLE, SAMPLE), Set.of("oatcakes"), 0).size());
    }

    @Test
    void aLineWithoutAnswersIsRefusedWithItsLocation() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"id\":\"x\",\"context\":\"c\",\"question\":\"q\"}\n");
        IOException e = assertThrows(IOException.class, () -> EvalReader.read(List.of(bad), Set.of(), 0));
        assertTrue(e.getMessage().contains("bad.jsonl:1") && e.getMessage().contains("answers"), e.getMessage());
    }
}

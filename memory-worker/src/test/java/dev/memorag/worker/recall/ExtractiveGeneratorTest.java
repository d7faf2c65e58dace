package dev.memorag.worker.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveGeneratorTest {
    @Test
    void aTitleDoesNotEndASentence() {
        assertEquals(List.of("Then up rose Mrs. Cratchit, dressed out but poorly.", "Tiny Tim bore a crutch."),
                ExtractiveGenerator.sentences("Then up rose Mrs.\nCratchit, dressed out but poorly. Tiny Tim bore a crutch."));
    }

    @Test
    void fragmentsAndRepeatsGiveWayToWholeSentences() {
        assertEquals(List.of("It's impossible to carry that to Camden Town.", "Scrooge paid for the turkey gladly."),
                ExtractiveGenerator.candidates(List.of("'Ha!' said Scrooge. It's impossible to carry that to Camden "
                        + "Town.", "Said Scrooge. Scrooge paid for the turkey gladly. Said Scrooge.")));
        assertEquals(List.of("said Scrooge.", "Ha!"),
                ExtractiveGenerator.candidates(List.of("said Scrooge. Ha!")), "fragments when nothing else exists");
    }
}

package io.touchpoint.journey.definition.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;

import io.touchpoint.contracts.EventJson;

/** Every journey shipped under {@code examples/} is a valid definition, so {@code ./touchpoint apply} never refuses one. */
class ExampleDefinitionsTest {

    @Test
    void everyExampleJourneyParses() throws Exception {
        List<Path> files;
        try (Stream<Path> all = Files.walk(Path.of("..", "examples"))) {
            files = all.filter(p -> p.getParent().getFileName().toString().equals("journeys") && p.toString().endsWith(".json"))
                    .sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            Map<String, Object> definition = EventJson.mapper().readValue(Files.readString(file), new TypeReference<>() {
            });
            var result = JourneyParser.parse(definition);
            assertTrue(result.valid(), file + ": " + result.violations());
        }
    }
}

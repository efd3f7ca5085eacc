package io.touchpoint.platform.api;

import java.lang.reflect.Type;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * For {@code @CustomDeserialization(StrictBody.class)} on a resource: a body member the operation
 * does not know is refused (400, {@link ProblemMapper#unknownMember}) instead of dropped. The shared
 * mapper ignores unknown members, as the events on the topics need (a producer may add a field before
 * its consumers know it); a person writing a definition by hand needs the opposite, since a misspelt
 * optional member ({@code "transactionl": true}, {@code "txt"}) would otherwise be saved as if absent.
 */
public final class StrictBody implements BiFunction<ObjectMapper, Type, ObjectReader> {

    @Override
    public ObjectReader apply(ObjectMapper mapper, Type type) {
        return mapper.readerFor(mapper.constructType(type)).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}

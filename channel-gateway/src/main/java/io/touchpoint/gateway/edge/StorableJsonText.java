package io.touchpoint.gateway.edge;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;
import io.touchpoint.gateway.tracking.domain.StorableText;

/**
 * Strings bound from a JSON body (a source's name, say) that PostgreSQL cannot store are refused
 * while the body is read, with the member's path, instead of failing in PostgreSQL as a 500.
 * Tracking calls are read as trees, not bound, and judged by
 * {@link io.touchpoint.gateway.tracking.domain.MessageValidator}: this costs them nothing.
 */
@Singleton
public class StorableJsonText implements ObjectMapperCustomizer {

    /** A string that cannot be stored: a mismatched input, so the body reader hands it on unwrapped. */
    public static final class UnstorableJsonText extends MismatchedInputException {

        private final String text;

        UnstorableJsonText(JsonParser parser, String text) {
            super(parser, "text that cannot be stored", (com.fasterxml.jackson.databind.JavaType) null);
            this.text = text;
        }

        /** The offending string, for the message. */
        public String text() {
            return text;
        }
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("touchpoint-storable-text").addDeserializer(String.class,
                new Deserializer()));
    }

    static final class Deserializer extends StdScalarDeserializer<String> {

        Deserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = StringDeserializer.instance.deserialize(parser, context);
            if (text != null && !StorableText.storable(text)) {
                throw new UnstorableJsonText(parser, text);
            }
            return text;
        }
    }
}

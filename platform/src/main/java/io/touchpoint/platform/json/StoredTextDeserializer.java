package io.touchpoint.platform.json;

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
import io.touchpoint.platform.api.StoredText;

/**
 * Strings bound from a JSON body (a source's name, say) that PostgreSQL cannot store are refused
 * while the body is read, with the member's path, instead of failing in PostgreSQL as a 500.
 * String values of maps and lists bound as {@code Object} (profile traits) go through it too. Bodies
 * read as trees (the gateway's tracking calls) are checked by their own walk.
 */
@Singleton
public class StoredTextDeserializer implements ObjectMapperCustomizer {

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
            if (text != null && !StoredText.storable(text)) {
                throw new UnstorableJsonText(parser, text);
            }
            return text;
        }
    }
}

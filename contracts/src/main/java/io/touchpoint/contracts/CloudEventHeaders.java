package io.touchpoint.contracts;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel as {@code ce_*}
 * headers and the record value is the JSON data. SmallRye's Kafka connector writes the same headers
 * for outgoing cloud events; this class serves plain Kafka clients (tests, benchmarks, tools).
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    private CloudEventHeaders() {
    }

    public static Headers write(Headers headers, CloudEventAttributes attributes) {
        put(headers, SPEC_VERSION, "1.0");
        put(headers, ID, attributes.id());
        put(headers, TYPE, attributes.type());
        put(headers, SOURCE, attributes.source().toString());
        put(headers, TIME, attributes.time().toString());
        if (attributes.subject() != null) {
            put(headers, SUBJECT, attributes.subject());
        }
        put(headers, CONTENT_TYPE, JSON);
        return headers;
    }

    /** @throws IllegalArgumentException when a required attribute is missing or malformed */
    public static CloudEventAttributes read(Headers headers) {
        String spec = get(headers, SPEC_VERSION);
        if (spec != null && !spec.equals("1.0")) {
            throw new IllegalArgumentException("unsupported CloudEvents spec version " + spec);
        }
        try {
            return new CloudEventAttributes(required(headers, ID), required(headers, TYPE),
                    URI.create(required(headers, SOURCE)), Instant.parse(required(headers, TIME)),
                    get(headers, SUBJECT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("ce_time is not an RFC 3339 instant", e);
        }
    }

    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String required(Headers headers, String name) {
        String value = get(headers, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing CloudEvents header " + name);
        }
        return value;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

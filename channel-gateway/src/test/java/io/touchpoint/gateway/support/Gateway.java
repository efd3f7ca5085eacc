package io.touchpoint.gateway.support;

import static io.restassured.RestAssured.given;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.path.json.JsonPath;
import io.touchpoint.devstack.testing.TestTokens;

/** Small helpers for talking to the gateway under test as an SDK or an operator would. */
public final class Gateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record CreatedSource(String id, String writeKey) {
    }

    private final TestTokens tokens;

    public Gateway(TestTokens tokens) {
        this.tokens = tokens;
    }

    public String adminToken() {
        return tokens.bearer("admin");
    }

    public CreatedSource createSource(String name) {
        JsonPath created = given().header("Authorization", adminToken()).contentType("application/json")
                .body(json(Map.of("name", name)))
                .post("/v1/sources")
                .then().statusCode(201).extract().jsonPath();
        return new CreatedSource(created.getString("id"), created.getString("writeKey"));
    }

    public String sourceIdNamed(String name) {
        return given().header("Authorization", adminToken()).queryParam("size", 200).get("/v1/sources")
                .then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.name == '" + name + "' }.id");
    }

    public static String basic(String writeKey) {
        return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static byte[] gzip(String text) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An insertion-ordered map from alternating keys and values, nulls allowed. */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}

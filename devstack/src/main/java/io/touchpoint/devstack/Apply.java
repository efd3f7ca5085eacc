package io.touchpoint.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./touchpoint apply DIR}: installs the definitions under {@code DIR} on the running stack,
 * the way a marketer would through the APIs: {@code segments/*.json} to segmentation-service,
 * {@code webhooks/*.json} to channel-gateway (partners' webhook endpoints, matched by their {@code key};
 * a new one's signing secret is printed once, for the partner),
 * {@code templates/*.json} and {@code placements/*.json} (on-site content) to channel-gateway (saved and
 * published), {@code journeys/*.json} to
 * journey-service (saved and published), after {@code presets/NAME.json} (segmentation's preset NAME
 * with those settings) and templates before the journeys that name them, then {@code goals/*.json}
 * (conversion goals) to analytics-service. Segments and journeys are matched by their name,
 * templates, placements and goals by their stable {@code key} (the name journeys, pages and reports
 * use), so applying
 * again updates what changed and leaves the rest: {@code created}, {@code updated} or
 * {@code unchanged}, one line each. A refusal prints the problem and stops. A journey or placement names
 * the segments it reads as {@code "@segment:Active bettors"}: the text is replaced by that segment's id,
 * so definitions refer to each other by the names people read; a template does the same inside its
 * Liquid ({@code {% if segments contains "@segment:Active bettors" %}}). A journey whose send node
 * names a template the gateway has not published, or one without content for the node's channel, is
 * refused before it is saved.
 */
public final class Apply {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Map<String, String> credentials;
    private final String token;

    private Apply(Map<String, String> credentials) {
        this.credentials = credentials;
        this.token = "Bearer " + credentials.get("TOUCHPOINT_ADMIN_TOKEN");
    }

    /** {@code Apply CREDENTIALS_ENV DIR...} */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Apply CREDENTIALS_ENV DIR...");
            System.exit(2);
        }
        Apply apply = new Apply(credentials(Path.of(args[0])));
        try {
            for (int i = 1; i < args.length; i++) {
                Path dir = Path.of(args[i]);
                if (!Files.isDirectory(dir)) {
                    throw new Refused(dir + " is not a directory");
                }
                for (Path file : files(dir.resolve("presets"))) {
                    apply.preset(file);
                }
                for (Path file : files(dir.resolve("segments"))) {
                    apply.segment(file);
                }
                for (Path file : files(dir.resolve("webhooks"))) {
                    apply.webhook(file);
                }
                for (Path file : files(dir.resolve("templates"))) {
                    apply.template(file);
                }
                for (Path file : files(dir.resolve("placements"))) {
                    apply.placement(file);
                }
                for (Path file : files(dir.resolve("journeys"))) {
                    apply.journey(file);
                }
                for (Path file : files(dir.resolve("goals"))) {
                    apply.goal(file);
                }
            }
        } catch (Refused e) {
            System.err.println("touchpoint apply: " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@code presets/lifecycle.json}: the preset of that name with the file's settings; installing again is harmless. */
    private void preset(Path file) throws Exception {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        JsonNode installed = send("POST", url("TOUCHPOINT_SEGMENTATION_URL") + "/v1/presets/" + name, read(file), file, 200);
        System.out.println("preset " + name + ": installed (" + installed.path("segments").size() + " segments)");
    }

    private void segment(Path file) throws Exception {
        JsonNode definition = read(file);
        String base = url("TOUCHPOINT_SEGMENTATION_URL") + "/v1/segments";
        String name = definition.path("name").asText();
        JsonNode existing = byName(base, name);
        if (existing == null) {
            send("POST", base, definition, file, 201);
            System.out.println("segment " + name + ": created");
        } else if (same(existing, definition)) {
            System.out.println("segment " + name + ": unchanged");
        } else {
            send("PUT", base + "/" + existing.path("id").asText(), definition, file, 200);
            System.out.println("segment " + name + ": updated");
        }
    }

    /** {@code webhooks/NAME.json}: {@code {"key", "url", "description"?, "enabled"?}}, created or updated by key. */
    private void webhook(Path file) throws Exception {
        JsonNode definition = read(file);
        String fileName = file.getFileName().toString();
        String key = definition.path("key").asText(fileName.substring(0, fileName.length() - ".json".length()));
        com.fasterxml.jackson.databind.node.ObjectNode body = definition.deepCopy();
        body.remove("key");
        String url = url("TOUCHPOINT_CHANNEL_GATEWAY_URL") + "/v1/webhook-endpoints/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
        JsonNode existing = find(url);
        if (existing == null) {
            JsonNode created = send("PUT", url, body, file, 201);
            System.out.println("webhook endpoint " + key + ": created; its signing secret (shown only now, for the partner): "
                    + created.path("secret").asText());
            return;
        }
        boolean enabled = !body.has("enabled") || body.path("enabled").asBoolean();
        if (existing.path("url").equals(body.path("url")) && existing.path("enabled").asBoolean() == enabled
                && existing.path("description").asText("").equals(body.path("description").asText(""))) {
            System.out.println("webhook endpoint " + key + ": unchanged");
            return;
        }
        send("PUT", url, body, file, 200);
        System.out.println("webhook endpoint " + key + ": updated");
    }

    private void template(Path file) throws Exception {
        publishable(file, "template", "/v1/templates/", List.of("defaultLocale", "locales"));
    }

    /**
     * {@code placements/*.json}: on-site content by its stable {@code key} (the file name when absent),
     * saved and published; rules name segments as {@code "@segment:NAME"}. Unchanged when the
     * published version already says what the file says.
     */
    private void placement(Path file) throws Exception {
        publishable(file, "placement", "/v1/placements/", List.of("contentType", "variants"));
    }

    /**
     * A definition the gateway keeps as a draft and immutable versions, by its {@code key}: saved and
     * published, or only published when the draft already says what the file says ({@code name},
     * {@code description} and the draft's {@code content} members), which names the same version
     * again when nothing changed.
     */
    private void publishable(Path file, String kind, String path, List<String> content) throws Exception {
        JsonNode definition = resolve(read(file), file);
        String fileName = file.getFileName().toString();
        String key = definition.path("key").asText(fileName.substring(0, fileName.length() - ".json".length()));
        com.fasterxml.jackson.databind.node.ObjectNode draft = definition.deepCopy();
        draft.remove("key");
        String url = url("TOUCHPOINT_CHANNEL_GATEWAY_URL") + path + URLEncoder.encode(key, StandardCharsets.UTF_8);
        JsonNode existing = find(url);
        boolean same = existing != null && existing.hasNonNull("publishedVersion") && existing.path("name").equals(draft.path("name"))
                && existing.path("description").equals(draft.path("description"));
        for (String member : content) {
            same = same && existing.path("draft").path(member).equals(draft.path(member));
        }
        if (same) {
            JsonNode version = send("POST", url + "/publish", null, file, 200);
            if (version.path("version").asInt() == existing.path("publishedVersion").asInt()) {
                System.out.println(kind + " " + key + ": unchanged");
                return;
            }
            System.out.println(kind + " " + key + ": published as version " + version.path("version").asInt());
            return;
        }
        send("PUT", url, draft, file, existing == null ? 201 : 200);
        JsonNode version = send("POST", url + "/publish", null, file, 200);
        System.out.println(kind + " " + key + ": " + (existing == null ? "created" : "updated") + ", published as version "
                + version.path("version").asInt());
    }

    /** {@code goals/*.json}: a conversion goal, put under its {@code key}; left alone when it already says the same. */
    private void goal(Path file) throws Exception {
        JsonNode definition = read(file);
        String fileName = file.getFileName().toString();
        String key = definition.path("key").asText(fileName.substring(0, fileName.length() - ".json".length()));
        com.fasterxml.jackson.databind.node.ObjectNode body = definition.deepCopy();
        body.remove("key");
        String url = url("TOUCHPOINT_ANALYTICS_URL") + "/v1/goals/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
        JsonNode existing = find(url);
        boolean unchanged = existing != null;
        for (String field : List.of("name", "description", "events", "revenueProperty")) {
            unchanged &= existing != null && existing.path(field).equals(body.path(field));
        }
        if (unchanged) {
            System.out.println("goal " + key + ": unchanged");
            return;
        }
        send("PUT", url, body, file, existing == null ? 201 : 200);
        System.out.println("goal " + key + ": " + (existing == null ? "created" : "updated"));
    }

    /** The item at {@code url}, or null when it answers 404. */
    private JsonNode find(String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", token).header("Accept", "application/json").GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new Refused("GET " + url + " answered " + response.statusCode() + "\n" + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void journey(Path file) throws Exception {
        JsonNode definition = resolve(read(file), file);
        checkTemplates(definition, file);
        String base = url("TOUCHPOINT_JOURNEY_URL") + "/v1/journeys";
        String name = definition.path("name").asText();
        JsonNode existing = byName(base, name);
        String id;
        String outcome;
        if (existing == null) {
            id = send("POST", base, definition, file, 201).path("id").asText();
            outcome = "created";
        } else if (existing.path("draft").equals(definition) && existing.path("state").asText().equals("active")) {
            System.out.println("journey " + name + ": unchanged");
            return;
        } else {
            id = existing.path("id").asText();
            send("PUT", base + "/" + id, definition, file, 200);
            outcome = "updated";
        }
        JsonNode version = send("POST", base + "/" + id + "/publish", null, file, 200);
        System.out.println("journey " + name + ": " + outcome + ", published as version " + version.path("version").asInt());
    }

    /**
     * Every template the journey's send nodes name is published on the gateway, with content for the
     * node's channel. journey-service cannot check this itself (the templates are the gateway's), and
     * a journey published with a misspelt key would fail each of its sends as render-failed, one
     * customer at a time; refused here, before the journey is saved, it fails once, naming the node.
     */
    private void checkTemplates(JsonNode journey, Path file) throws Exception {
        for (JsonNode node : journey.path("nodes")) {
            String key = node.path("template").asText(null);
            if (key == null) {
                continue;
            }
            String where = file + ": node \"" + node.path("id").asText() + "\" sends template \"" + key + "\"";
            String url = url("TOUCHPOINT_CHANNEL_GATEWAY_URL") + "/v1/templates/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
            JsonNode template = find(url);
            if (template == null) {
                throw new Refused(where + ", which the gateway does not have (add templates/" + key + ".json)");
            }
            if (!template.hasNonNull("publishedVersion")) {
                throw new Refused(where + ", which has no published version");
            }
            String channel = node.path("channel").asText(null);
            if (channel == null) {
                continue;
            }
            JsonNode version = find(url + "/versions/" + template.path("publishedVersion").asInt());
            boolean hasChannel = false;
            for (JsonNode variant : version == null ? JSON.createObjectNode() : version.path("content").path("locales")) {
                hasChannel |= variant.hasNonNull(channel);
            }
            if (!hasChannel) {
                throw new Refused(where + " on " + channel + ", but its published version has no " + channel + " content");
            }
        }
    }

    private static final String SEGMENT_REFERENCE = "@segment:";

    /** A reference quoted inside a text, as a template's Liquid writes it: {@code segments contains "@segment:NAME"}. */
    private static final java.util.regex.Pattern QUOTED_REFERENCE = java.util.regex.Pattern.compile("\"" + SEGMENT_REFERENCE + "([^\"]+)\"");

    /**
     * The definition with every {@code "@segment:NAME"} text, and every such reference quoted inside a
     * text (a template's {@code {% if segments contains "@segment:NAME" %}}), replaced by that segment's id.
     */
    private JsonNode resolve(JsonNode node, Path file) throws Exception {
        if (node.isTextual() && node.asText().startsWith(SEGMENT_REFERENCE)) {
            return JSON.getNodeFactory().textNode(segmentId(node.asText().substring(SEGMENT_REFERENCE.length()), file));
        }
        if (node.isTextual() && node.asText().contains("\"" + SEGMENT_REFERENCE)) {
            var references = QUOTED_REFERENCE.matcher(node.asText());
            StringBuilder text = new StringBuilder();
            while (references.find()) {
                references.appendReplacement(text, java.util.regex.Matcher.quoteReplacement("\"" + segmentId(references.group(1), file) + "\""));
            }
            references.appendTail(text);
            return JSON.getNodeFactory().textNode(text.toString());
        }
        if (node.isObject()) {
            var copy = JSON.createObjectNode();
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                copy.set(field.getKey(), resolve(field.getValue(), file));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = JSON.createArrayNode();
            for (JsonNode item : node) {
                copy.add(resolve(item, file));
            }
            return copy;
        }
        return node;
    }

    private String segmentId(String name, Path file) throws Exception {
        JsonNode segment = byName(url("TOUCHPOINT_SEGMENTATION_URL") + "/v1/segments", name);
        if (segment == null) {
            throw new Refused(file + " refers to segment \"" + name + "\", which does not exist");
        }
        return segment.path("id").asText();
    }

    /** Whether the stored segment already says what the file says, member by member. */
    private static boolean same(JsonNode existing, JsonNode definition) {
        var fields = definition.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!field.getValue().equals(existing.path(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Walks the list route's pages ({@code items}, {@code nextCursor}) for the item of that name. */
    private JsonNode byName(String base, String name) throws Exception {
        String cursor = null;
        do {
            String url = base + "?limit=200" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = send("GET", url, null, null, 200);
            for (JsonNode item : page.path("items")) {
                if (name.equals(item.path("name").asText())) {
                    return item;
                }
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return null;
    }

    private JsonNode send(String method, String url, JsonNode body, Path file, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", token).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new Refused((file == null ? "" : file + ": ") + method + " " + url + " answered " + response.statusCode()
                    + "\n" + response.body());
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private String url(String key) {
        String url = credentials.get(key);
        if (url == null) {
            throw new Refused("credentials.env names no " + key + "; is the stack running?");
        }
        return url;
    }

    private static JsonNode read(Path file) throws IOException {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new Refused(file + " is not JSON: " + e.getMessage());
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static Map<String, String> credentials(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}

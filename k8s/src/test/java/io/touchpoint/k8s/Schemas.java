package io.touchpoint.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON schemas by {@code apiVersion/kind}, from what the build fetched (pom.xml): the Kubernetes and
 * Prometheus Operator types from fabric8's model jars, Strimzi's CRDs from its api test jar, KEDA's
 * types from its npm models, CloudNativePG's CRDs from their cdk8s import on npm. Every object with declared properties is made closed (no property it
 * does not declare), the way {@code kubectl apply --validate=strict} treats a typo.
 */
final class Schemas {

    private static final JsonMapper JSON = new JsonMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private static final String STRIMZI_VERSION = "v1";

    private final Map<String, JsonNode> schemas = new HashMap<>();
    private final Map<String, Schema> compiled = new HashMap<>();

    static Schemas load() {
        Path dir = Path.of(System.getProperty("touchpoint.k8s.schemas"));
        Schemas s = new Schemas();
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().matches("(kubernetes|openshift)-model-.*\\.jar")).toList()) {
                s.addFabric8(jar);
            }
            s.addStrimzi(dir.resolve("strimzi-api-tests.jar"));
            TypeScriptModels.keda(dir.resolve("keda-models.tgz")).forEach(s.schemas::put);
            CdkImports.group(dir.resolve("cdk8s-crds.tgz"), "postgresql.cnpg.io").forEach(s.schemas::put);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    static String key(String apiVersion, String kind) {
        return apiVersion + "/" + kind;
    }

    Optional<Schema> forObject(JsonNode object) {
        String key = key(object.path("apiVersion").asString(), object.path("kind").asString());
        JsonNode schema = schemas.get(key);
        if (schema == null) {
            return Optional.empty();
        }
        return Optional.of(compiled.computeIfAbsent(key, k -> REGISTRY.getSchema(SchemaLocation.of("urn:touchpoint:" + k), schema)));
    }

    int size() {
        return schemas.size();
    }

    /** fabric8's validation-schema.json: one definitions map per jar, each resource type naming its apiVersion and kind as defaults. */
    private void addFabric8(Path jar) throws IOException {
        ObjectNode definitions;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("schema/validation-schema.json");
            if (entry == null) {
                throw new IllegalStateException(jar + " carries no schema/validation-schema.json");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                definitions = (ObjectNode) JSON.readTree(in).path("definitions");
            }
        }
        // Java shapes of two Kubernetes scalar types: a quantity is "500m", "1Gi" or a number; an
        // int-or-string is a port number or name.
        definitions.set("k8s_io_apimachinery_pkg_api_resource_Quantity", NODES.objectNode()
                .set("type", NODES.arrayNode().add("string").add("integer").add("number")));
        definitions.set("kubernetes_apimachinery_pkg_util_intstr_IntOrString", NODES.objectNode()
                .set("type", NODES.arrayNode().add("integer").add("string")));
        for (Map.Entry<String, JsonNode> definition : definitions.properties()) {
            closeFabric8(definition.getValue());
        }
        for (Map.Entry<String, JsonNode> definition : definitions.properties()) {
            JsonNode properties = definition.getValue().path("properties");
            String apiVersion = properties.path("apiVersion").path("default").asString("");
            String kind = properties.path("kind").path("default").asString("");
            if (!apiVersion.isEmpty() && !kind.isEmpty()) {
                ObjectNode root = NODES.objectNode();
                root.put("$ref", "#/definitions/" + definition.getKey());
                root.set("definitions", definitions);
                schemas.putIfAbsent(key(apiVersion, kind), root);
            }
        }
    }

    private static void closeFabric8(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && object.path("additionalProperties").isBoolean()) {
                object.put("additionalProperties", false);
            }
            // Draft 3's "required": true on a property; the fabric8 schemas set it on apiVersion and kind only.
            if (object.path("required").isBoolean()) {
                object.remove("required");
            }
            object.properties().forEach(e -> closeFabric8(e.getValue()));
        } else if (node instanceof ArrayNode array) {
            array.forEach(Schemas::closeFabric8);
        }
    }

    /** Strimzi's CRDs: the openAPIV3Schema of each kind's v1 version. */
    private void addStrimzi(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Iterator<? extends ZipEntry> it = zip.entries().asIterator(); it.hasNext();) {
                ZipEntry entry = it.next();
                if (!entry.getName().startsWith("crds/" + STRIMZI_VERSION + "/") || !entry.getName().endsWith(".yaml")) {
                    continue;
                }
                JsonNode crd;
                try (InputStream in = zip.getInputStream(entry)) {
                    crd = Overlay.YAML.readTree(in);
                }
                addCrd(crd, STRIMZI_VERSION);
            }
        }
    }

    void addCrd(JsonNode crd, String version) {
        String group = crd.path("spec").path("group").asString();
        String kind = crd.path("spec").path("names").path("kind").asString();
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (version.equals(v.path("name").asString())) {
                schemas.put(key(group + "/" + version, kind), fromOpenApi(v.path("schema").path("openAPIV3Schema")));
            }
        }
    }

    /** A structural OpenAPI v3 schema of a CRD as JSON Schema draft 7, closed where it declares properties. */
    static JsonNode fromOpenApi(JsonNode node) {
        if (node instanceof ArrayNode array) {
            ArrayNode out = NODES.arrayNode();
            array.forEach(item -> out.add(fromOpenApi(item)));
            return out;
        }
        if (!(node instanceof ObjectNode object)) {
            return node;
        }
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String k = e.getKey();
            if (k.startsWith("x-kubernetes-") || k.equals("nullable") || k.equals("description")) {
                continue;
            }
            out.set(k, k.equals("properties") ? mapValues(e.getValue()) : fromOpenApi(e.getValue()));
        }
        if (object.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.set("type", NODES.arrayNode().add("integer").add("string"));
        }
        if (object.path("nullable").asBoolean(false) && out.path("type").isString()) {
            out.set("type", NODES.arrayNode().add(out.path("type").asString()).add("null"));
        }
        if (object.has("properties") && !object.has("additionalProperties")
                && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private static JsonNode mapValues(JsonNode properties) {
        ObjectNode out = NODES.objectNode();
        properties.properties().forEach(e -> out.set(e.getKey(), fromOpenApi(e.getValue())));
        return out;
    }

    static List<String> errors(Schema schema, JsonNode object) {
        return schema.validate(object).stream().map(Object::toString).toList();
    }
}

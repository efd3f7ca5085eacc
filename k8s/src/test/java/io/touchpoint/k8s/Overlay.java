package io.touchpoint.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** An overlay as {@code kubectl kustomize} renders it: the objects a {@code kubectl apply -k} would send. */
record Overlay(String name, List<JsonNode> objects) {

    static final List<String> NAMES = List.of("dev", "production");
    static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Overlay> RENDERED = new ConcurrentHashMap<>();

    static Overlay named(String name) {
        return RENDERED.computeIfAbsent(name, n -> {
            String yaml = Kubectl.kustomize(k8sDir().resolve("overlays").resolve(n));
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
                docs.forEachRemaining(doc -> {
                    if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                        objects.add(doc);
                    }
                });
            }
            return new Overlay(n, List.copyOf(objects));
        });
    }

    static Stream<Overlay> all() {
        return NAMES.stream().map(Overlay::named);
    }

    static Path k8sDir() {
        return Path.of(System.getProperty("touchpoint.k8s.dir", "."));
    }

    static Path rootDir() {
        return Path.of(System.getProperty("touchpoint.root.dir", ".."));
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asString()));
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).filter(o -> name.equals(nameOf(o))).findFirst();
    }

    static String nameOf(JsonNode object) {
        return object.path("metadata").path("name").asString();
    }

    static String id(JsonNode object) {
        return object.path("kind").asString() + "/" + nameOf(object);
    }

    @Override
    public String toString() {
        return name;
    }
}

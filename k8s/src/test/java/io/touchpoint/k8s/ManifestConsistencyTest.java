package io.touchpoint.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.touchpoint.contracts.Topic;
import tools.jackson.databind.JsonNode;

/** The manifests agree with the code they deploy: topics, configuration, ports, probes, scaling limits, routes. */
class ManifestConsistencyTest {

    /** Secrets the manifests reference and an operator creates (k8s/README.md: secrets); never in the repository. */
    static final Set<String> EXTERNAL_SECRETS = Set.of("touchpoint-db-gateway", "touchpoint-db-profile",
            "touchpoint-db-segmentation", "touchpoint-db-journey", "touchpoint-db-analytics", "touchpoint-redis",
            "touchpoint-smtp", "touchpoint-imap", "touchpoint-public-tls", "touchpoint-internal-tls");

    /**
     * Launcher settings a cluster does without: the port (each service keeps its own default, checked
     * below), the mailer's mock switch (off by default), and the local stack's default write key
     * (sources are made through the API).
     */
    static final Set<String> LAUNCHER_ONLY = Set.of("quarkus.http.port", "quarkus.mailer.mock",
            "touchpoint.gateway.default-source.write-key");

    /** Public paths that are not tracking calls. */
    static final Set<String> PUBLIC_PREFIXES = Set.of("/v1/unsubscribe", "/v1/preferences", "/v1/content", "/v1/email/open",
            "/v1/email/click");

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void everyKafkaTopicMatchesTheContract(Overlay overlay) {
        Set<String> rendered = overlay.ofKind("KafkaTopic")
                .map(t -> t.path("spec").path("topicName").asString() + ":" + t.path("spec").path("partitions").asInt())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> contract = Arrays.stream(Topic.values()).map(t -> t.topicName() + ":" + t.partitions())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(contract, rendered, overlay + ": KafkaTopics (name:partitions) differ from contracts' Topic");
        overlay.ofKind("KafkaTopic").forEach(t -> assertEquals("touchpoint", t.path("metadata").path("labels").path("strimzi.io/cluster").asString(),
                Overlay.id(t) + " belongs to no Kafka cluster"));
    }

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void everyServiceGetsTheConfigurationItReads(Overlay overlay) throws IOException {
        Set<String> launcherSettings = launcherSettings();
        String readme = Files.readString(Overlay.k8sDir().resolve("README.md"));
        List<String> problems = new ArrayList<>();
        services(overlay).forEach(deployment -> {
            ServiceConfig config = ServiceConfig.of(module(deployment));
            JsonNode container = app(deployment);
            Set<String> provided = providedEnvironment(overlay, container, problems, Overlay.id(deployment));
            Set<String> required = new LinkedHashSet<>();
            config.environmentReferences().forEach((env, hasDefault) -> {
                if (!hasDefault) {
                    required.add(env);
                }
            });
            // What the launcher sets on a laptop must be set here too, where the service's configuration has it.
            launcherSettings.stream().filter(p -> !LAUNCHER_ONLY.contains(p)).filter(p -> config.get(p).isPresent())
                    .forEach(p -> required.add(config.environmentNameFor(p)));
            required.stream().filter(env -> !provided.contains(env))
                    .forEach(env -> problems.add(Overlay.id(deployment) + " (" + config.module + ") lacks " + env));
            container.path("env").forEach(e -> {
                JsonNode secret = e.path("valueFrom").path("secretKeyRef");
                if (!secret.isMissingNode()) {
                    String name = secret.path("name").asString();
                    if (overlay.find("Secret", name).isEmpty() && !(EXTERNAL_SECRETS.contains(name) && readme.contains(name))) {
                        problems.add(Overlay.id(deployment) + " reads secret " + name + ", neither rendered nor listed in k8s/README.md");
                    }
                }
            });
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void probesPortsAndScrapingMatchTheServices(Overlay overlay) {
        services(overlay).forEach(deployment -> {
            String id = Overlay.id(deployment);
            ServiceConfig config = ServiceConfig.of(module(deployment));
            JsonNode container = app(deployment);
            JsonNode http = port(container, "http");
            assertEquals(config.httpPort(), http.path("containerPort").asInt(), id + ": port http is not the service's quarkus.http.port");
            assertProbe(id, container.path("livenessProbe"), config.healthPath("live"));
            assertProbe(id, container.path("readinessProbe"), config.healthPath("ready"));
            assertProbe(id, container.path("startupProbe"), config.healthPath("started"));
            JsonNode annotations = deployment.path("spec").path("template").path("metadata").path("annotations");
            assertEquals("true", annotations.path("prometheus.io/scrape").asString(), id);
            assertEquals(config.metricsPath(), annotations.path("prometheus.io/path").asString(), id);
            assertEquals(String.valueOf(config.httpPort()), annotations.path("prometheus.io/port").asString(), id);
            JsonNode service = overlay.find("Service", Overlay.nameOf(deployment)).orElseThrow(() -> new AssertionError(id + " has no Service"));
            assertEquals("http", service.path("spec").path("ports").get(0).path("targetPort").asString(), id);
            overlay.ofKind("ServiceMonitor").forEach(monitor -> monitor.path("spec").path("endpoints").forEach(endpoint -> {
                assertEquals("http", endpoint.path("port").asString(), Overlay.id(monitor));
                assertEquals(config.metricsPath(), endpoint.path("path").asString(), Overlay.id(monitor));
            }));
        });
    }

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void noDeploymentLacksLimitsProbesOrASecurityContext(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        overlay.ofKind("Deployment").forEach(deployment -> {
            String id = Overlay.id(deployment);
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            require(problems, id, "automountServiceAccountToken: false", pod.path("automountServiceAccountToken").isBoolean()
                    && !pod.path("automountServiceAccountToken").asBoolean());
            require(problems, id, "pod runAsNonRoot", pod.path("securityContext").path("runAsNonRoot").asBoolean(false));
            require(problems, id, "seccomp RuntimeDefault", "RuntimeDefault".equals(pod.path("securityContext").path("seccompProfile").path("type").asString()));
            for (JsonNode c : pod.path("containers")) {
                String cid = id + "/" + c.path("name").asString();
                JsonNode resources = c.path("resources");
                for (String r : List.of("cpu", "memory")) {
                    require(problems, cid, "limits." + r, resources.path("limits").has(r));
                    require(problems, cid, "requests." + r, resources.path("requests").has(r));
                }
                require(problems, cid, "livenessProbe", c.has("livenessProbe"));
                require(problems, cid, "readinessProbe", c.has("readinessProbe"));
                JsonNode sc = c.path("securityContext");
                require(problems, cid, "readOnlyRootFilesystem", sc.path("readOnlyRootFilesystem").asBoolean(false));
                require(problems, cid, "allowPrivilegeEscalation: false", sc.has("allowPrivilegeEscalation") && !sc.path("allowPrivilegeEscalation").asBoolean());
                require(problems, cid, "capabilities drop ALL", sc.path("capabilities").path("drop").toString().contains("\"ALL\""));
            }
        });
        services(overlay).forEach(deployment -> {
            String id = Overlay.id(deployment);
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode container = app(deployment);
            require(problems, id, "startupProbe", container.has("startupProbe"));
            require(problems, id, "memory request = limit", container.path("resources").path("requests").path("memory")
                    .equals(container.path("resources").path("limits").path("memory")));
            // The heap is a share of the limit (the images' run-java.sh); without it the JVM takes a quarter.
            String ratio = envValue(container, "JAVA_MAX_MEM_RATIO");
            require(problems, id, "JAVA_MAX_MEM_RATIO between 25 and 75", ratio != null && ratio.matches("\\d+")
                    && Integer.parseInt(ratio) >= 25 && Integer.parseInt(ratio) <= 75);
            boolean tmp = false;
            for (JsonNode m : container.path("volumeMounts")) {
                if (m.path("mountPath").asString().equals("/tmp")) {
                    String volume = m.path("name").asString();
                    for (JsonNode v : pod.path("volumes")) {
                        tmp |= v.path("name").asString().equals(volume) && v.has("emptyDir");
                    }
                }
            }
            require(problems, id, "a writable /tmp (emptyDir)", tmp);
            require(problems, id, "a PodDisruptionBudget", overlay.ofKind("PodDisruptionBudget").anyMatch(pdb -> selects(pdb.path("spec").path("selector"), deployment)));
            // SIGTERM to SIGKILL must outlast the way out: preStop, in-flight requests, the consumers'
            // commit and the producers' close (SmallRye's close-timeout, 10 s).
            int preStop = Integer.parseInt(container.path("lifecycle").path("preStop").path("exec").path("command").get(1).asString());
            int shutdown = seconds(configValue(overlay, container, "QUARKUS_SHUTDOWN_TIMEOUT"));
            int grace = pod.path("terminationGracePeriodSeconds").asInt(30);
            require(problems, id, "terminationGracePeriodSeconds (" + grace + ") > preStop + shutdown timeout + producer close + 10 s",
                    grace > preStop + shutdown + 10 + 10);
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void autoscalingNeverAddsConsumersBeyondTheTopicsPartitions(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        overlay.ofKind("ScaledObject").forEach(scaled -> {
            String id = Overlay.id(scaled);
            JsonNode deployment = overlay.find("Deployment", scaled.path("spec").path("scaleTargetRef").path("name").asString())
                    .orElseThrow(() -> new AssertionError(id + " scales no Deployment of the overlay"));
            ServiceConfig config = ServiceConfig.of(module(deployment));
            int max = scaled.path("spec").path("maxReplicaCount").asInt();
            require(problems, id, "minReplicaCount <= maxReplicaCount", scaled.path("spec").path("minReplicaCount").asInt() <= max);
            String bootstrap = configValue(overlay, app(deployment), "KAFKA_BOOTSTRAP_SERVERS");
            String namespace = scaled.path("metadata").path("namespace").asString();
            for (JsonNode trigger : scaled.path("spec").path("triggers")) {
                JsonNode m = trigger.path("metadata");
                Topic topic = Topic.byName(m.path("topic").asString()).orElseThrow(() -> new AssertionError(id + ": no contract topic " + m.path("topic")));
                String channelName = topic.name().toLowerCase(Locale.ROOT).replace('_', '-');
                ServiceConfig.Channel channel = config.incomingChannels().stream().filter(c -> c.name().equals(channelName)).findFirst()
                        .orElseThrow(() -> new AssertionError(id + ": " + config.module + " does not consume " + topic.topicName()));
                require(problems, id, "consumerGroup " + channel.group() + " for " + topic.topicName(), channel.group().equals(m.path("consumerGroup").asString()));
                require(problems, id, "allowIdleConsumers false", "false".equals(m.path("allowIdleConsumers").asString()));
                String[] hostPort = bootstrap.split(":");
                require(problems, id, "bootstrapServers " + hostPort[0] + "." + namespace + ".svc:" + hostPort[1],
                        m.path("bootstrapServers").asString().equals(hostPort[0] + "." + namespace + ".svc:" + hostPort[1]));
                int perPod = channel.consumersPerPod();
                String override = envValue(app(deployment), "MP_MESSAGING_INCOMING_" + ServiceConfig.environmentName(channelName) + "_PARTITIONS");
                if (override != null) {
                    perPod = Integer.parseInt(override);
                }
                require(problems, id, max + " pods x " + perPod + " consumers <= " + topic.partitions() + " partitions of " + topic.topicName(),
                        max * perPod <= topic.partitions());
            }
        });
        overlay.ofKind("HorizontalPodAutoscaler").forEach(hpa -> {
            JsonNode target = overlay.find("Deployment", hpa.path("spec").path("scaleTargetRef").path("name").asString()).orElseThrow();
            require(problems, Overlay.id(hpa), "a CPU request on its target", app(target).path("resources").path("requests").has("cpu"));
            require(problems, Overlay.id(hpa), "scales the tracking role", "tracking".equals(envValue(app(target), "TOUCHPOINT_GATEWAY_ROLE")));
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("io.touchpoint.k8s.Overlay#all")
    void onlyPublicRoutesAreOnThePublicIngress(Overlay overlay) throws IOException {
        Pattern tracking = trackingPaths();
        JsonNode ingress = overlay.find("Ingress", "touchpoint-public").orElseThrow();
        Set<String> routed = new HashSet<>();
        for (JsonNode rule : ingress.path("spec").path("rules")) {
            for (JsonNode path : rule.path("http").path("paths")) {
                String p = path.path("path").asString();
                routed.add(p);
                assertTrue(tracking.matcher(p).matches() || PUBLIC_PREFIXES.contains(p), overlay + ": " + p + " is not a public route");
                assertEquals("channel-gateway-tracking", path.path("backend").path("service").path("name").asString(), p);
            }
        }
        // Every tracking path the gateway serves (TrackingRoleFilter.TRACKING_PATHS) is routed.
        Matcher alternatives = Pattern.compile("\\(([a-z|]+)\\|\\[([a-z]+)]").matcher(tracking.pattern());
        assertTrue(alternatives.find(), "cannot read the gateway's tracking paths from " + tracking.pattern());
        Stream.concat(Arrays.stream(alternatives.group(1).split("\\|")), alternatives.group(2).chars().mapToObj(c -> String.valueOf((char) c)))
                .forEach(p -> assertTrue(routed.contains("/v1/" + p), overlay + ": /v1/" + p + " is not routed"));
        PUBLIC_PREFIXES.forEach(p -> assertTrue(routed.contains(p), overlay + ": " + p + " is not routed"));
        JsonNode internal = overlay.find("Ingress", "touchpoint-internal").orElseThrow();
        assertFalse(internal.path("spec").path("ingressClassName").asString().equals(ingress.path("spec").path("ingressClassName").asString())
                && !overlay.name().equals("dev"), "management APIs share the public ingress class");
        internal.path("spec").path("rules").forEach(rule -> assertFalse(
                "channel-gateway-tracking".equals(rule.path("http").path("paths").get(0).path("backend").path("service").path("name").asString()),
                "the internal route sends management calls to tracking pods"));
    }

    @Test
    void everyServiceModuleIsDeployed() {
        Set<String> modules = services(Overlay.named("production")).map(ManifestConsistencyTest::module).collect(Collectors.toSet());
        assertEquals(Set.of("channel-gateway", "profile-service", "segmentation-service", "journey-service", "analytics-service"), modules);
        Set<String> roles = services(Overlay.named("production")).map(d -> String.valueOf(envValue(app(d), "TOUCHPOINT_GATEWAY_ROLE")))
                .filter(r -> !r.equals("null")).collect(Collectors.toSet());
        assertEquals(Set.of("tracking", "delivery"), roles, "the gateway's roles as separate Deployments");
    }

    // --- helpers

    static Stream<JsonNode> services(Overlay overlay) {
        return overlay.ofKind("Deployment").filter(d -> "service".equals(d.path("metadata").path("labels").path("touchpoint.io/tier").asString()));
    }

    static JsonNode app(JsonNode deployment) {
        for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
            if (c.path("name").asString().equals("app")) {
                return c;
            }
        }
        throw new AssertionError(Overlay.id(deployment) + " has no container 'app'");
    }

    /** The module an image is built from: registry/group/<module>:tag (the container-image profile's naming). */
    static String module(JsonNode deployment) {
        String image = app(deployment).path("image").asString();
        String name = image.substring(image.lastIndexOf('/') + 1);
        return name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    }

    private static JsonNode port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asString().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no port " + name);
    }

    private static void assertProbe(String id, JsonNode probe, String path) {
        assertEquals(path, probe.path("httpGet").path("path").asString(), id + ": probe path");
        assertEquals("http", probe.path("httpGet").path("port").asString(), id + ": probe port");
    }

    private static Set<String> providedEnvironment(Overlay overlay, JsonNode container, List<String> problems, String id) {
        Set<String> provided = new HashSet<>();
        container.path("env").forEach(e -> provided.add(e.path("name").asString()));
        for (JsonNode from : container.path("envFrom")) {
            String name = from.path("configMapRef").path("name").asString();
            overlay.find("ConfigMap", name).ifPresentOrElse(cm -> cm.path("data").propertyNames().forEach(provided::add),
                    () -> problems.add(id + ": envFrom names ConfigMap " + name + ", which the overlay does not render"));
        }
        return provided;
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asString().equals(name)) {
                return e.path("value").asString(null);
            }
        }
        return null;
    }

    private static String configValue(Overlay overlay, JsonNode container, String name) {
        String direct = envValue(container, name);
        if (direct != null) {
            return direct;
        }
        for (JsonNode from : container.path("envFrom")) {
            JsonNode value = overlay.find("ConfigMap", from.path("configMapRef").path("name").asString()).orElseThrow().path("data").path(name);
            if (!value.isMissingNode()) {
                return value.asString();
            }
        }
        throw new AssertionError("no " + name);
    }

    private static int seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)[sS]").matcher(duration);
        if (!m.matches()) {
            throw new AssertionError("not seconds: " + duration);
        }
        return Integer.parseInt(m.group(1));
    }

    private static boolean selects(JsonNode selector, JsonNode deployment) {
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asString().equals(labels.path(e.getKey()).asString())) {
                return false;
            }
        }
        return !selector.path("matchLabels").isEmpty();
    }

    private static void require(List<String> problems, String id, String what, boolean holds) {
        if (!holds) {
            problems.add(id + " lacks " + what);
        }
    }

    /** The settings the launcher writes for every service (touchpoint's write_service_config, devstack's Endpoints). */
    static Set<String> launcherSettings() throws IOException {
        Set<String> keys = new TreeSet<>();
        Matcher put = Pattern.compile("config\\.put\\(\"([a-z0-9.-]+)\"").matcher(
                Files.readString(Overlay.rootDir().resolve("devstack/src/main/java/io/touchpoint/devstack/Endpoints.java")));
        while (put.find()) {
            keys.add(put.group(1));
        }
        String launcher = Files.readString(Overlay.rootDir().resolve("touchpoint"));
        String function = launcher.substring(launcher.indexOf("write_service_config() {"), launcher.indexOf("\n}\n", launcher.indexOf("write_service_config() {")));
        Matcher echo = Pattern.compile("echo \"([a-z][a-z0-9.-]+)=").matcher(function);
        while (echo.find()) {
            keys.add(echo.group(1));
        }
        assertTrue(keys.contains("kafka.bootstrap.servers") && keys.contains("touchpoint.gateway.unsubscribe.public-url"),
                "cannot read the launcher's settings: " + keys);
        return keys;
    }

    static Pattern trackingPaths() throws IOException {
        String source = Files.readString(Overlay.rootDir().resolve(
                "channel-gateway/src/main/java/io/touchpoint/gateway/tracking/api/TrackingRoleFilter.java"));
        Matcher m = Pattern.compile("TRACKING_PATHS = Pattern\\.compile\\(\\s*\"(.+?)\"\\);").matcher(source);
        assertTrue(m.find(), "TrackingRoleFilter.TRACKING_PATHS not found");
        return Pattern.compile(m.group(1).replace("\\\\", "\\"));
    }
}

package io.touchpoint.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's own configuration as its module declares it: application.properties over the platform's
 * defaults (platform/src/main/resources/META-INF/microprofile-config.properties), profile-specific
 * (%dev, %test) keys left out.
 */
final class ServiceConfig {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");
    private static final Pattern INCOMING = Pattern.compile("mp\\.messaging\\.incoming\\.([a-z0-9-]+)\\.connector");

    final String module;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private ServiceConfig(String module) {
        this.module = module;
        load(Overlay.rootDir().resolve("platform/src/main/resources/META-INF/microprofile-config.properties"));
        load(Overlay.rootDir().resolve(module).resolve("src/main/resources/application.properties"));
    }

    static ServiceConfig of(String module) {
        return new ServiceConfig(module);
    }

    private void load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> properties.put(k, p.getProperty(k)));
    }

    Optional<String> get(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    Map<String, String> properties() {
        return properties;
    }

    int httpPort() {
        return Integer.parseInt(get("quarkus.http.port").orElse("8080"));
    }

    String healthPath(String check) {
        return "/" + get("quarkus.http.non-application-root-path").orElse("q") + "/"
                + get("quarkus.smallrye-health.root-path").orElse("health") + "/" + check;
    }

    String metricsPath() {
        return "/" + get("quarkus.http.non-application-root-path").orElse("q") + "/"
                + get("quarkus.micrometer.export.prometheus.path").orElse("metrics");
    }

    /** Environment variables the configuration reads, each with whether it has a default. */
    Map<String, Boolean> environmentReferences() {
        Map<String, Boolean> refs = new LinkedHashMap<>();
        properties.values().forEach(v -> {
            Matcher m = ENV_REFERENCE.matcher(v);
            while (m.find()) {
                refs.merge(m.group(1), m.group(2) != null, Boolean::logicalAnd);
            }
        });
        return refs;
    }

    /**
     * What the environment must set for a property: the variable its value reads ({@code ${KAFKA_BOOTSTRAP_SERVERS:...}}),
     * else the property's own environment name ({@code TOUCHPOINT_GATEWAY_UNSUBSCRIBE_PUBLIC_URL}).
     */
    String environmentNameFor(String property) {
        Matcher m = ENV_REFERENCE.matcher(get(property).orElse(""));
        return m.find() ? m.group(1) : environmentName(property);
    }

    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The Kafka channels this service consumes. */
    List<Channel> incomingChannels() {
        return properties.keySet().stream().map(INCOMING::matcher).filter(Matcher::matches).map(m -> m.group(1))
                .filter(ch -> "smallrye-kafka".equals(properties.get("mp.messaging.incoming." + ch + ".connector")))
                .map(this::channel).toList();
    }

    private Channel channel(String name) {
        String prefix = "mp.messaging.incoming." + name + ".";
        // Quarkus' default group id is the application's name.
        String group = get(prefix + "group.id").orElseGet(() -> get("quarkus.application.name").orElseThrow());
        // SmallRye runs 'partitions' consumers of a channel per process; Quarkus' 'concurrency' copies
        // of the channel, each its own consumer.
        int perPod = Integer.parseInt(get(prefix + "partitions").or(() -> get(prefix + "concurrency")).orElse("1"));
        return new Channel(name, group, perPod);
    }

    record Channel(String name, String group, int consumersPerPod) {
    }
}

package io.touchpoint.platform.messaging;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.touchpoint.contracts.TopicAdmin;

/**
 * Creates missing contract topics before the first publish, so a fresh cluster never gets
 * auto-created one-partition topics. Runs on the startup thread, not an event loop.
 */
public class TopicBootstrap {

    private static final Logger LOG = Logger.getLogger(TopicBootstrap.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "touchpoint.kafka.create-topics", defaultValue = "true")
    boolean createTopics;

    @ConfigProperty(name = "touchpoint.kafka.replication-factor")
    Optional<Short> replicationFactor;

    void onStart(@Observes StartupEvent event) throws Exception {
        if (!createTopics) {
            return;
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafkaConfig.get("bootstrap.servers")))) {
            var created = TopicAdmin.ensureTopics(admin, replicationFactor, 30_000);
            if (!created.isEmpty()) {
                LOG.infof("created Kafka topics %s", created);
            }
        }
    }
}

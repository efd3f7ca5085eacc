package io.touchpoint.gateway.source.domain;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.touchpoint.gateway.source.store.SourceStore;

/**
 * The launcher hands every fresh stack a write key ({@code touchpoint.gateway.default-source.write-key})
 * so that `./touchpoint up` can be tracked against at once, before anyone creates a source.
 */
@ApplicationScoped
public class DefaultSource {

    static final String NAME = "default";

    private static final Logger LOG = Logger.getLogger(DefaultSource.class);

    @ConfigProperty(name = "touchpoint.gateway.default-source.write-key")
    Optional<String> writeKey;

    @Inject
    SourceStore sources;

    @Inject
    Clock clock;

    void onStart(@Observes StartupEvent event) throws Throwable {
        if (writeKey.isEmpty() || writeKey.get().isBlank()) {
            return;
        }
        String key = writeKey.get().strip();
        // Startup runs outside any Vert.x context, which Hibernate Reactive needs.
        boolean created = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> sources
                .createIfKeyAbsent(UUID.randomUUID().toString(), NAME, "Created at startup from the configured write key.",
                        WriteKeys.hash(key), WriteKeys.displayPrefix(key), clock.instant())));
        if (created) {
            LOG.infof("created the default source for write key %s...", WriteKeys.displayPrefix(key));
        }
    }
}

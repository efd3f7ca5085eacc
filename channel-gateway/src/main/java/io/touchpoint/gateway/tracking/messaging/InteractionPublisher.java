package io.touchpoint.gateway.tracking.messaging;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.touchpoint.contracts.CloudEventHeaders;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.events.Interaction;

/**
 * Puts interactions on {@code touchpoint.interactions.v1} and reports which ones the broker
 * acknowledged (acks=all, idempotent producer): the tracking API answers 2xx only for those.
 */
@ApplicationScoped
public class InteractionPublisher {

    private static final Logger LOG = Logger.getLogger(InteractionPublisher.class);

    /** @param failure the first failure, or null when every interaction was acknowledged */
    public record PublishReport(List<Interaction> acknowledged, Throwable failure) {
    }

    /**
     * Several 500-message batches can be in flight at once; beyond this buffer the emitter refuses
     * and the caller answers 503 so the SDK retries later.
     */
    @Inject
    @Channel("interactions")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
    MutinyEmitter<Interaction> emitter;

    /** Shorter than SDK request timeouts (10 s and more), so they get our 503 rather than a dropped connection. */
    @ConfigProperty(name = "touchpoint.gateway.publish-timeout", defaultValue = "PT8S")
    Duration timeout;

    public Uni<PublishReport> publish(List<Interaction> interactions) {
        if (interactions.isEmpty()) {
            return Uni.createFrom().item(new PublishReport(List.of(), null));
        }
        List<Uni<Throwable>> sends = new ArrayList<>(interactions.size());
        for (Interaction interaction : interactions) {
            sends.add(Uni.createFrom().deferred(() -> emitter.sendMessage(message(interaction)))
                    .ifNoItem().after(timeout).fail()
                    .onItem().transform(ignored -> (Throwable) null)
                    .onFailure().recoverWithItem(e -> e));
        }
        return Uni.join().all(sends).andFailFast().map(outcomes -> {
            List<Interaction> acknowledged = new ArrayList<>(interactions.size());
            Throwable failure = null;
            for (int i = 0; i < outcomes.size(); i++) {
                if (outcomes.get(i) == null) {
                    acknowledged.add(interactions.get(i));
                } else if (failure == null) {
                    failure = outcomes.get(i);
                }
            }
            if (failure != null) {
                LOG.warnf("the broker did not acknowledge %d of %d interactions: %s",
                        interactions.size() - acknowledged.size(), interactions.size(), failure.toString());
            }
            return new PublishReport(acknowledged, failure);
        });
    }

    static Message<Interaction> message(Interaction interaction) {
        String key = interaction.partitionKey();
        return Message.of(interaction)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                .addMetadata(OutgoingCloudEventMetadata.<Interaction>builder()
                        .withId(interaction.messageId())
                        .withType(EventTypes.INTERACTION)
                        .withSource(URI.create("/touchpoint/channel-gateway/sources/" + interaction.sourceId()))
                        .withSubject(key)
                        .withTimestamp(interaction.timestamp().atZone(ZoneOffset.UTC))
                        .withDataContentType(CloudEventHeaders.JSON)
                        .build());
    }
}

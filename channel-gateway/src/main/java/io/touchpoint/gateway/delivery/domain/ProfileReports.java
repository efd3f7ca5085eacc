package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * What the gateway tells a profile about a message it sent it, so that segments and journeys can
 * test it like any event: a track interaction from the gateway's source, addressed to the profile
 * by id ({@code context.touchpoint.profileId}, which profile-service trusts from this source only),
 * naming the message, appended to the outbox in the caller's transaction.
 */
@ApplicationScoped
public class ProfileReports {

    /** A person or a machine fetched the open pixel; the lifecycle preset counts it as contact. */
    public static final String OPENED = "Email Opened";
    /** A tracked link was followed. */
    public static final String CLICKED = "Email Clicked";
    /** The message bounced for good (a hard bounce, or a soft one out of resends); the address is suppressed. */
    public static final String BOUNCED = "Email Bounced";

    private final OutboxStore outbox;

    ProfileReports(OutboxStore outbox) {
        this.outbox = outbox;
    }

    /** {@code messageId} makes a repeat of the same report a no-op in profile-service. */
    public Uni<Void> append(SqlClient sql, String messageId, Delivery delivery, String event, Map<String, Object> details,
            Instant now) {
        Interaction interaction = interaction(messageId, delivery, event, details, now);
        return outbox.append(sql, messageId, Topic.INTERACTIONS, delivery.profileId(), EventTypes.INTERACTION, interaction, now);
    }

    static Interaction interaction(String messageId, Delivery delivery, String event, Map<String, Object> details, Instant now) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("deliveryId", delivery.deliveryId());
        if (delivery.journeyId() != null) {
            properties.put("journeyId", delivery.journeyId());
        }
        if (delivery.templateId() != null) {
            properties.put("templateId", delivery.templateId());
        }
        if (delivery.topic() != null) {
            properties.put("topic", delivery.topic());
        }
        properties.putAll(details);
        return new Interaction(messageId, Interaction.GATEWAY_SOURCE, Interaction.TRACK, null, null, null, null, event, null, null,
                properties, null, Interaction.addressedTo(delivery.profileId()), null, now, now, now, now);
    }
}

package io.touchpoint.gateway.unsubscribe.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * How the gateway tells profile-service, where consent lives, that a person granted or withdrew
 * consent through a message (a one-click unsubscribe, the preference center, a STOP or START reply
 * to an SMS): a {@code Consent Updated} interaction on the interactions topic, keyed by the profile
 * id, that names the person by the address the message went to and carries how it was said as
 * proof, appended to the outbox in the caller's transaction.
 */
@ApplicationScoped
public class ConsentStatements {

    /** The source profile-service records for consent the gateway reports. */
    public static final String SOURCE = Interaction.GATEWAY_SOURCE;

    /** One statement: {@code deliveryId} is the message it was made through, when there is one. */
    public record Statement(String messageId, String channel, String topic, ConsentState.Status status, String address,
            String deliveryId, String proof) {
    }

    private final OutboxStore outbox;

    ConsentStatements(OutboxStore outbox) {
        this.outbox = outbox;
    }

    public Uni<Void> append(SqlClient sql, String profileId, Statement statement, Instant now) {
        Interaction interaction = interaction(statement, now);
        return outbox.append(sql, interaction.messageId(), Topic.INTERACTIONS, profileId, EventTypes.INTERACTION, interaction, now);
    }

    static Interaction interaction(Statement s, Instant now) {
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("text", s.proof());
        if (s.deliveryId() != null) {
            proof.put("deliveryId", s.deliveryId());
        }
        return new Interaction(s.messageId(), SOURCE, Interaction.TRACK, null, null, null, null, "Consent Updated", null, null,
                Map.of("channel", s.channel(), "topic", s.topic(), "status", s.status().name().toLowerCase(Locale.ROOT),
                        "transactional", false, "proof", proof),
                null, Map.of("traits", Map.of(Channels.SMS.equals(s.channel()) ? "phone" : "email", s.address())), null,
                now, now, null, now);
    }
}

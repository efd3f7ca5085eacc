package io.touchpoint.gateway.unsubscribe.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.EventTypes;
import io.touchpoint.contracts.Topic;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.gateway.delivery.domain.DeliveryEvents;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.unsubscribe.store.UnsubscribeStore;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.outbox.OutboxStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A one-click unsubscribe (RFC 8058): the consent for the delivery's channel and topic is
 * withdrawn where consent lives, in profile-service, by a {@code Consent Updated} interaction on the
 * interactions topic (identified by the address the mail went to, keyed by the profile id, with the
 * link's use as proof), and the delivery gets an UNSUBSCRIBED event; both through the outbox in the
 * transaction that records the use, so a second click changes nothing.
 */
@ApplicationScoped
public class Unsubscribes {

    /** The source profile-service records for consent the gateway reports. */
    public static final String SOURCE = "channel-gateway";

    private final Pool pool;
    private final Clock clock;
    private final UnsubscribeStore store;
    private final DeliveryStore ledger;
    private final DeliveryEvents events;
    private final OutboxStore outbox;
    private final OutboxRelay relay;
    private final ErasedIdentities erased;

    Unsubscribes(Pool pool, Clock clock, UnsubscribeStore store, DeliveryStore ledger, DeliveryEvents events,
            OutboxStore outbox, OutboxRelay relay, ErasedIdentities erased) {
        this.pool = pool;
        this.clock = clock;
        this.store = store;
        this.ledger = ledger;
        this.events = events;
        this.outbox = outbox;
        this.relay = relay;
        this.erased = erased;
    }

    /** @return true when this use withdrew the consent, false when the link was used before (or its person erased) */
    public Uni<Boolean> unsubscribe(UnsubscribeToken token) {
        Instant now = clock.instant();
        var about = ErasedIdentities.profiles(List.of(token.profileId()));
        return pool.withTransaction(sql -> erased.erasedAt(sql, about).chain(erasedAt -> {
            if (!erasedAt.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            return store.record(sql, token.deliveryId(), token.profileId(), token.channel(), token.topic(), now)
                    .chain(first -> {
                        if (!first) {
                            return Uni.createFrom().item(false);
                        }
                        Interaction withdrawal = withdrawal(token, now);
                        return outbox.append(sql, withdrawal.messageId(), Topic.INTERACTIONS, token.profileId(),
                                EventTypes.INTERACTION, withdrawal, now)
                                .chain(() -> ledger.findByDeliveryId(sql, token.deliveryId()))
                                .chain(delivery -> delivery.isEmpty() ? Uni.createFrom().voidItem()
                                        : events.publish(sql, delivery.get(), token.channel(), DeliveryEvent.Status.UNSUBSCRIBED,
                                                null, "consent for " + token.channel() + "/" + token.topic() + " withdrawn", now))
                                .replaceWith(true);
                    });
        })).invoke(withdrawn -> {
            if (withdrawn) {
                relay.kick();
            }
        });
    }

    private static Interaction withdrawal(UnsubscribeToken token, Instant now) {
        return consentUpdated("unsubscribe-" + token.deliveryId(), token, token.topic(), ConsentState.Status.WITHDRAWN,
                "one-click unsubscribe (RFC 8058) in delivery " + token.deliveryId(), now);
    }

    /**
     * The interaction profile-service reads as a consent statement: the person is named by the
     * address the message went to, the way the message reached them is the proof.
     */
    public static Interaction consentUpdated(String messageId, UnsubscribeToken token, String topic, ConsentState.Status status,
            String proof, Instant now) {
        return new Interaction(messageId, SOURCE, Interaction.TRACK, null, null, null, null, "Consent Updated", null, null,
                Map.of("channel", token.channel(), "topic", topic, "status", status.name().toLowerCase(java.util.Locale.ROOT),
                        "transactional", false, "proof", Map.of("text", proof, "deliveryId", token.deliveryId())),
                null, Map.of("traits", Map.of(Channels.SMS.equals(token.channel()) ? "phone" : "email", token.address())), null,
                now, now, null, now);
    }
}

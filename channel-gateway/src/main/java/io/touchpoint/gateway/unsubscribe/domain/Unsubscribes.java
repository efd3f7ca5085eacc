package io.touchpoint.gateway.unsubscribe.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.gateway.delivery.domain.DeliveryEvents;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.unsubscribe.store.UnsubscribeStore;
import io.touchpoint.platform.erasure.ErasedIdentities;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * An unsubscribe through a message's link, by one click (RFC 8058) or by mail to the mailto target
 * (RFC 2369): the consent for the delivery's channel and topic is
 * withdrawn where consent lives, in profile-service, by a consent statement ({@link ConsentStatements}:
 * identified by the address the mail went to, keyed by the profile id, with the link's use as proof), and the delivery gets an UNSUBSCRIBED event; both through the outbox in the
 * transaction that records the use, so a second click changes nothing.
 */
@ApplicationScoped
public class Unsubscribes {

    private final Pool pool;
    private final Clock clock;
    private final UnsubscribeStore store;
    private final DeliveryStore ledger;
    private final DeliveryEvents events;
    private final ConsentStatements statements;
    private final OutboxRelay relay;
    private final ErasedIdentities erased;

    Unsubscribes(Pool pool, Clock clock, UnsubscribeStore store, DeliveryStore ledger, DeliveryEvents events,
            ConsentStatements statements, OutboxRelay relay, ErasedIdentities erased) {
        this.pool = pool;
        this.clock = clock;
        this.store = store;
        this.ledger = ledger;
        this.events = events;
        this.statements = statements;
        this.relay = relay;
        this.erased = erased;
    }

    /** How the recipient used the link: named in the consent statement's proof. */
    public enum Route {
        ONE_CLICK("one-click unsubscribe (RFC 8058)"),
        MAILTO("mailto unsubscribe (RFC 2369)");

        private final String proof;

        Route(String proof) {
            this.proof = proof;
        }
    }

    /**
     * @return true when this use withdrew the consent, false when the link was used before, by either
     *         route (or its person erased)
     */
    public Uni<Boolean> unsubscribe(UnsubscribeToken token, Route route) {
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
                        return statements.append(sql, token.profileId(), withdrawal(token, route), now)
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

    private static ConsentStatements.Statement withdrawal(UnsubscribeToken token, Route route) {
        return statement("unsubscribe-" + token.deliveryId(), token, token.topic(), ConsentState.Status.WITHDRAWN,
                route.proof + " in delivery " + token.deliveryId());
    }

    /** A statement made through the message the token stands for. */
    static ConsentStatements.Statement statement(String messageId, UnsubscribeToken token, String topic, ConsentState.Status status,
            String proof) {
        return new ConsentStatements.Statement(messageId, token.channel(), topic, status, token.address(), token.deliveryId(),
                proof);
    }
}

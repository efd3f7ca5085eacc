package io.touchpoint.gateway.unsubscribe.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.outbox.OutboxRelay;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The preference center behind an unsubscribe link: the topics of the link's channel the person has
 * a consent for (and the message's own topic), and their choices sent to profile-service as consent
 * statements, one {@code Consent Updated} interaction per topic that changed, through the outbox.
 */
@ApplicationScoped
public class Preferences {

    private final Pool pool;
    private final Clock clock;
    private final RecipientStore recipients;
    private final ConsentStatements consent;
    private final OutboxRelay relay;

    Preferences(Pool pool, Clock clock, RecipientStore recipients, ConsentStatements consent, OutboxRelay relay) {
        this.pool = pool;
        this.clock = clock;
        this.recipients = recipients;
        this.consent = consent;
        this.relay = relay;
    }

    /** Topic to whether it is granted now, for the token's channel, the message's topic first. */
    public Uni<Map<String, Boolean>> current(UnsubscribeToken token) {
        return pool.withConnection(sql -> recipients.find(sql, token.profileId())).map(found -> topics(token, found.orElse(null)));
    }

    /**
     * Grants the topics in {@code granted} and withdraws the other shown ones, where that differs
     * from what the gateway knows now. @return the topics whose consent was changed
     */
    public Uni<List<String>> choose(UnsubscribeToken token, Set<String> shown, Set<String> granted) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> recipients.find(sql, token.profileId()).chain(found -> {
            Map<String, Boolean> current = topics(token, found.orElse(null));
            List<String> changed = new ArrayList<>();
            List<ConsentStatements.Statement> statements = new ArrayList<>();
            for (String topic : shown) {
                if (!current.containsKey(topic)) {
                    continue;
                }
                boolean wanted = granted.contains(topic);
                if (wanted != current.get(topic)) {
                    changed.add(topic);
                    statements.add(Unsubscribes.statement("preferences-" + UUID.randomUUID(), token, topic,
                            wanted ? ConsentState.Status.GRANTED : ConsentState.Status.WITHDRAWN,
                            "preference center reached from delivery " + token.deliveryId()));
                }
            }
            return Transactions.each(statements, s -> consent.append(sql, token.profileId(), s, now)).replaceWith(changed);
        })).invoke(changed -> {
            if (!changed.isEmpty()) {
                relay.kick();
            }
        });
    }

    private static Map<String, Boolean> topics(UnsubscribeToken token, Recipient recipient) {
        Map<String, Boolean> stated = new LinkedHashMap<>();
        if (recipient != null) {
            for (ConsentState consent : recipient.consents()) {
                if (token.channel().equals(consent.channel()) && !consent.transactional()) {
                    stated.put(consent.topic(), consent.granted());
                }
            }
        }
        // The message's topic first, as the policy reads it: its own consent, else the channel's.
        Map<String, Boolean> topics = new LinkedHashMap<>();
        topics.put(token.topic(), stated.getOrDefault(token.topic(), stated.getOrDefault(ConsentState.ANY_TOPIC, false)));
        stated.forEach(topics::putIfAbsent);
        return topics;
    }
}

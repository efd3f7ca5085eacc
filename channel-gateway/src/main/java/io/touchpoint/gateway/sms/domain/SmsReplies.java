package io.touchpoint.gateway.sms.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.gateway.delivery.domain.DeliveryEvents;
import io.touchpoint.gateway.delivery.domain.SuppressionReason;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.delivery.store.SuppressionStore;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.gateway.unsubscribe.domain.ConsentStatements;
import io.touchpoint.platform.store.Transactions;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A reply from a phone, in the caller's transaction. STOP (and its synonyms) withdraws SMS
 * consent for every topic where consent lives (a consent statement to profile-service for each
 * profile with that number) and, since carriers require a STOP to hold at once rather than when
 * profile-service's change comes back, puts the number on the suppression list as unsubscribed
 * (marketing stops; transactional SMS such as a delivery notice still go), with an UNSUBSCRIBED
 * event on the delivery replied to. START grants SMS consent again and lifts that suppression (never
 * one for another reason: a manual entry or a failure stays). Any other reply changes nothing.
 */
@ApplicationScoped
public class SmsReplies {

    /** What a reply did: the keyword, and the profiles the number belongs to. */
    public record Outcome(SmsKeywords.Keyword keyword, List<String> profileIds) {
        public static final Outcome NOTHING = new Outcome(null, List.of());
    }

    private final RecipientStore recipients;
    private final SuppressionStore suppressions;
    private final ConsentStatements consent;
    private final DeliveryStore ledger;
    private final DeliveryEvents events;

    SmsReplies(RecipientStore recipients, SuppressionStore suppressions, ConsentStatements consent, DeliveryStore ledger,
            DeliveryEvents events) {
        this.recipients = recipients;
        this.suppressions = suppressions;
        this.consent = consent;
        this.ledger = ledger;
        this.events = events;
    }

    /** @param from the replying number, digits with or without '+' */
    public Uni<Outcome> reply(SqlClient sql, String from, String text, Instant now) {
        Optional<SmsKeywords.Keyword> keyword = SmsKeywords.of(text);
        String digits = from.replaceAll("[^0-9]", "");
        if (keyword.isEmpty() || digits.isEmpty()) {
            return Uni.createFrom().item(Outcome.NOTHING);
        }
        String number = "+" + digits;
        boolean stop = keyword.get() == SmsKeywords.Keyword.STOP;
        Uni<Void> listed = stop
                ? suppressions.put(sql, new SuppressionStore.Entry(Channels.SMS, number, SuppressionReason.UNSUBSCRIBED,
                        "replied " + text.strip() + " at " + now, now)).replaceWithVoid()
                : suppressions.find(sql, Channels.SMS, number).chain(entry -> entry.isPresent()
                        && entry.get().reason() == SuppressionReason.UNSUBSCRIBED
                                ? suppressions.remove(sql, Channels.SMS, number).replaceWithVoid()
                                : Uni.createFrom().voidItem());
        return listed.chain(() -> recipients.findByPhoneDigits(sql, digits)).chain(found -> Transactions.each(found,
                r -> statement(sql, r, number, text.strip(), stop, now)).replaceWith(new Outcome(keyword.get(),
                        found.stream().map(Recipient::profileId).toList())));
    }

    private Uni<Void> statement(SqlClient sql, Recipient r, String number, String text, boolean stop, Instant now) {
        Uni<Optional<io.touchpoint.gateway.delivery.domain.Delivery>> replied = ledger.latestSent(sql, r.profileId(), Channels.SMS,
                r.phone());
        return replied.chain(d -> {
            String deliveryId = d.map(io.touchpoint.gateway.delivery.domain.Delivery::deliveryId).orElse(null);
            var statement = new ConsentStatements.Statement("sms-reply-" + UUID.randomUUID(), Channels.SMS, ConsentState.ANY_TOPIC,
                    stop ? ConsentState.Status.WITHDRAWN : ConsentState.Status.GRANTED, number, deliveryId,
                    "replied \"" + text + "\" by SMS from " + number);
            Uni<Void> stated = consent.append(sql, r.profileId(), statement, now);
            if (!stop || d.isEmpty()) {
                return stated;
            }
            return stated.chain(() -> events.publish(sql, d.get(), Channels.SMS, DeliveryEvent.Status.UNSUBSCRIBED, null,
                    "replied " + text + ": SMS consent withdrawn", now));
        });
    }
}

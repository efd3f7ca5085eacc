package io.touchpoint.gateway.delivery.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.DeliveryEvent;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.delivery.store.DeliveryStore;
import io.touchpoint.gateway.delivery.store.SuppressionStore;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.store.Transactions;
import io.touchpoint.platform.wakeup.WakeupStore;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Decides requests with the sending policy and records each decision in the ledger, in the
 * caller's transaction: a new request gets its row (a known one is left alone: it was decided, and
 * maybe sent, already), a deferred one gets a wake-up for the instant its deferral ends, and every
 * outcome but "queued" is published as a delivery event. Sending is the {@link Dispatcher}'s.
 */
@ApplicationScoped
public class Deliveries {

    /** The wake-up kind of a deferral; keys are {@code profileId:requestId}, so an erasure cancels by prefix. */
    public static final String RELEASE = "delivery-release";

    /** What the caller does once its transaction committed. */
    public record AfterCommit(boolean queued, Instant wakeAt, boolean published) {
        public static final AfterCommit NOTHING = new AfterCommit(false, null, false);
    }

    private final SendingPolicy policy;
    private final DeliveryStore ledger;
    private final SuppressionStore suppressions;
    private final RecipientStore recipients;
    private final WakeupStore wakeups;
    private final DeliveryEvents events;

    Deliveries(SendingPolicy policy, DeliveryStore ledger, SuppressionStore suppressions, RecipientStore recipients,
            WakeupStore wakeups, DeliveryEvents events) {
        this.policy = policy;
        this.ledger = ledger;
        this.suppressions = suppressions;
        this.recipients = recipients;
        this.wakeups = wakeups;
        this.events = events;
    }

    /**
     * Requests as they arrive, a poll's worth in set-based statements (one of each kind for the whole
     * batch rather than seven per request, which set the intake's pace): each is decided and recorded
     * once, whatever number of times it arrives. The recipients' locks come first, in profile order,
     * so what is read after them holds until the commit; a profile's requests are then decided in
     * their order, each seeing the ones let go before it (frequency caps), as if decided one by one.
     *
     * @return one answer per request, in their order (nothing to do for a known or repeated one)
     */
    public Uni<List<AfterCommit>> receiveAll(SqlClient sql, List<MessageRequested> requests, Instant now) {
        List<String> profiles = requests.stream().map(MessageRequested::profileId).distinct().sorted().toList();
        return ledger.lockRecipients(sql, profiles)
                .chain(() -> ledger.known(sql, requests.stream().map(MessageRequested::requestId).distinct().toList()))
                .chain(known -> {
                    Uni<Map<String, Recipient>> found = recipients.findAll(sql, profiles);
                    Uni<Map<String, List<RecipientFacts.Sent>>> sent = marketingSent(sql, profiles, now);
                    return Uni.combine().all().unis(found, sent).asTuple().chain(read -> suppressions
                            .of(sql, read.getItem1().values().stream().flatMap(r -> addressesOf(r).stream()).distinct().toList())
                            .chain(suppressed -> record(sql, decideAll(requests, known, read.getItem1(), read.getItem2(),
                                    suppressed, now), now)));
                });
    }

    /** Each request's decision as its ledger row, in order; null for a known or repeated request. */
    private List<Recorded> decideAll(List<MessageRequested> requests, Set<String> known, Map<String, Recipient> found,
            Map<String, List<RecipientFacts.Sent>> sentBefore, Map<String, Map<String, SuppressionReason>> suppressed,
            Instant now) {
        Set<String> seen = new HashSet<>(known);
        Map<String, List<RecipientFacts.Sent>> sent = new HashMap<>();
        List<Recorded> decided = new ArrayList<>(requests.size());
        for (MessageRequested request : requests) {
            if (!seen.add(request.requestId())) {
                decided.add(null);
                continue;
            }
            Recipient recipient = found.get(request.profileId());
            List<RecipientFacts.Sent> marketing = sent.computeIfAbsent(request.profileId(),
                    p -> new ArrayList<>(sentBefore.getOrDefault(p, List.of())));
            RecipientFacts facts = recipient == null ? RecipientFacts.NONE : new RecipientFacts(suppressed, marketing);
            Instant expiresAt = policy.expiresAt(request, now);
            Decision decision = policy.decide(request, recipient, facts, expiresAt, now);
            Delivery fresh = new Delivery(request.requestId(), UUID.randomUUID().toString(), request.profileId(),
                    request.journeyId(), request.stepId(), request.templateId(), request.topic(), request.transactional(),
                    request.channel(), null, null, DeliveryState.QUEUED, null, null,
                    request.variables() == null ? Map.of() : request.variables(), request.requestedAt(), expiresAt);
            Recorded recorded = Recorded.of(fresh, decision);
            if (decision instanceof Decision.Send && !request.transactional()) {
                // What the ledger's row would count for the profile's next request, had it been decided alone.
                marketing.add(new RecipientFacts.Sent(recorded.row().channel(), request.topic(), now));
            }
            decided.add(recorded);
        }
        return decided;
    }

    /** The new rows, their history, and the deferrals' wake-ups and events of those inserted. */
    private Uni<List<AfterCommit>> record(SqlClient sql, List<Recorded> decided, Instant now) {
        List<Recorded> rows = decided.stream().filter(r -> r != null).toList();
        return ledger.insertAll(sql, rows.stream().map(r -> new DeliveryStore.Arrived(r.row(), r.sendDecidedAt(now),
                r.deliverAfter())).toList(), now).chain(inserted -> {
                    List<Recorded> written = rows.stream().filter(r -> inserted.contains(r.row().requestId())).toList();
                    return ledger.historyOf(sql, written.stream().map(r -> new DeliveryStore.Decided(r.row(), r.row().state(),
                            r.row().reason(), r.row().detail())).toList(), now)
                            .chain(() -> Transactions.each(written.stream().filter(r -> !(r.decision() instanceof Decision.Send))
                                    .toList(), r -> consequences(sql, r, null, now)))
                            .map(done -> decided.stream().map(r -> r == null || !inserted.contains(r.row().requestId())
                                    ? AfterCommit.NOTHING : afterCommit(r, null)).toList());
                });
    }

    /** A deferral ended: the request is decided again, now, unless something else happened to it meanwhile. */
    public Uni<AfterCommit> release(SqlClient sql, String requestId, Instant now) {
        return ledger.lock(sql, requestId).chain(found -> {
            if (found.isEmpty() || found.get().state() != DeliveryState.DEFERRED) {
                return Uni.createFrom().item(AfterCommit.NOTHING);
            }
            Delivery before = found.get();
            return decide(sql, before.request(), before.expiresAt(), now).chain(decision -> {
                Recorded recorded = Recorded.of(before, decision);
                Delivery row = recorded.row();
                return ledger.decide(sql, requestId, row.state(), row.channel(), row.address(), row.reason(), row.detail(),
                        recorded.sendDecidedAt(now), recorded.deliverAfter(), now).chain(() -> apply(sql, recorded, before, now));
            });
        });
    }

    /**
     * The gateway just heard of these profiles: their requests that waited for that are decided now
     * rather than at their next retry. Answers the profiles that had some (the caller re-arms the scheduler).
     */
    public Uni<Set<String>> recipientsKnown(SqlClient sql, List<String> profileIds, Instant now) {
        if (profileIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return ledger.deferredOf(sql, profileIds, Reason.RECIPIENT_UNKNOWN.code()).chain(waiting -> wakeups.scheduleAll(sql, RELEASE,
                waiting.stream().map(w -> w.profileId() + ":" + w.requestId()).toList(), now)
                .replaceWith(() -> waiting.stream().map(DeliveryStore.Waiting::profileId).collect(Collectors.toSet())));
    }

    private Uni<Decision> decide(SqlClient sql, MessageRequested request, Instant expiresAt, Instant now) {
        return ledger.lockRecipients(sql, List.of(request.profileId()))
                .chain(() -> recipients.find(sql, request.profileId()))
                .chain(found -> facts(sql, found, now)
                        .map(facts -> policy.decide(request, found.orElse(null), facts, expiresAt, now)));
    }

    private Uni<RecipientFacts> facts(SqlClient sql, Optional<Recipient> recipient, Instant now) {
        if (recipient.isEmpty()) {
            return Uni.createFrom().item(RecipientFacts.NONE);
        }
        String profileId = recipient.get().profileId();
        return suppressions.of(sql, addressesOf(recipient.get())).chain(suppressed -> marketingSent(sql, List.of(profileId), now)
                .map(sent -> new RecipientFacts(suppressed, sent.getOrDefault(profileId, List.of()))));
    }

    /**
     * The marketing sends the caps count, per profile: those of one day more than the longest cap,
     * whose window starts at a midnight in the recipient's zone.
     */
    private Uni<Map<String, List<RecipientFacts.Sent>>> marketingSent(SqlClient sql, List<String> profileIds, Instant now) {
        int days = policy.rules().longestCapDays();
        return days == 0 ? Uni.createFrom().item(Map.of())
                : ledger.marketingSent(sql, profileIds, now.minus(Duration.ofDays(days + 1L)));
    }

    /** The recipient's addresses on the channels the gateway delivers, as the suppression list keeps them. */
    private List<String> addressesOf(Recipient recipient) {
        List<String> addresses = new ArrayList<>();
        for (String channel : policy.rules().deliverable()) {
            String address = recipient.address(channel);
            if (address != null) {
                addresses.add(Addresses.normalize(channel, address));
            }
        }
        return addresses;
    }

    private Uni<AfterCommit> apply(SqlClient sql, Recorded recorded, Delivery before, Instant now) {
        Delivery row = recorded.row();
        return ledger.history(sql, row.requestId(), row.state(), row.channel(), row.reason(), row.detail(), now)
                .chain(() -> consequences(sql, recorded, before, now)).replaceWith(afterCommit(recorded, before));
    }

    /** A deferral's wake-up and, as a suppression's, its event; nothing for a row let go. */
    private Uni<Void> consequences(SqlClient sql, Recorded recorded, Delivery before, Instant now) {
        Delivery row = recorded.row();
        Decision decision = recorded.decision();
        if (decision instanceof Decision.Send) {
            return Uni.createFrom().voidItem();
        }
        if (decision instanceof Decision.Defer defer) {
            Uni<Void> scheduled = wakeups.schedule(sql, RELEASE, row.profileId() + ":" + row.requestId(), defer.until(), null);
            return !news(defer, before) ? scheduled : scheduled.chain(() -> events.publish(sql, row, defer.channel(),
                    DeliveryEvent.Status.DEFERRED, defer.reason(), row.detail(), now));
        }
        Decision.Suppress suppress = (Decision.Suppress) decision;
        return events.publish(sql, row, row.requestedChannel(), DeliveryEvent.Status.SUPPRESSED, suppress.reason(), row.detail(),
                now);
    }

    /** A deferral retried for the same reason (an unknown profile, asked again every minute) is one event, not many. */
    private static boolean news(Decision.Defer defer, Delivery before) {
        return before == null || before.state() != DeliveryState.DEFERRED || !defer.reason().code().equals(before.reason());
    }

    private static AfterCommit afterCommit(Recorded recorded, Delivery before) {
        Decision decision = recorded.decision();
        if (decision instanceof Decision.Send) {
            return new AfterCommit(true, null, false);
        }
        if (decision instanceof Decision.Defer defer) {
            return new AfterCommit(false, defer.until(), news(defer, before));
        }
        return new AfterCommit(false, null, true);
    }

    /** A decision as the ledger row it makes. */
    private record Recorded(Delivery row, Decision decision, Instant deliverAfter) {

        static Recorded of(Delivery d, Decision decision) {
            if (decision instanceof Decision.Send send) {
                return new Recorded(with(d, DeliveryState.QUEUED, send.channel(), send.address(), null,
                        skipped(send.skipped())), decision, null);
            }
            if (decision instanceof Decision.Defer defer) {
                String detail = "until " + defer.until() + ": " + defer.detail() + suffix(skipped(defer.skipped()));
                return new Recorded(with(d, DeliveryState.DEFERRED, defer.channel(), null, defer.reason().code(), detail),
                        decision, defer.until());
            }
            Decision.Suppress suppress = (Decision.Suppress) decision;
            String detail = suppress.detail() + (suppress.skipped().size() > 1 ? suffix(skipped(suppress.skipped())) : "");
            return new Recorded(with(d, DeliveryState.SUPPRESSED, null, null, suppress.reason().code(), detail), decision, null);
        }

        Instant sendDecidedAt(Instant now) {
            return decision instanceof Decision.Send ? now : null;
        }

        private static Delivery with(Delivery d, DeliveryState state, String channel, String address, String reason,
                String detail) {
            return new Delivery(d.requestId(), d.deliveryId(), d.profileId(), d.journeyId(), d.stepId(), d.templateId(),
                    d.topic(), d.transactional(), d.requestedChannel(), channel, address, state, reason, detail, d.variables(),
                    d.requestedAt(), d.expiresAt());
        }

        private static String skipped(List<Decision.Skipped> skipped) {
            if (skipped.isEmpty()) {
                return null;
            }
            StringBuilder text = new StringBuilder("skipped ");
            for (int i = 0; i < skipped.size(); i++) {
                Decision.Skipped s = skipped.get(i);
                text.append(i == 0 ? "" : "; ").append(s.channel()).append(' ').append(s.reason().code()).append(" (")
                        .append(s.detail()).append(')');
            }
            return text.toString();
        }

        private static String suffix(String skipped) {
            return skipped == null ? "" : "; " + skipped;
        }
    }
}

package io.touchpoint.gateway.delivery.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.contracts.events.MessageRequested;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.recipient.domain.Recipient;

/**
 * The one gate every message request passes, whichever journey sent it. For each channel, in the
 * request's channel and then the recipient's channel order: consent for the channel and topic
 * (transactional requests need only a valid address), the suppression list, a present and valid
 * address, the frequency caps across all journeys, per channel and per tag (marketing only, counted
 * in the recipient's calendar days). The first channel that passes is used; when none does the request is suppressed with the
 * first channel's reason. Then quiet hours in the recipient's zone defer marketing to their end
 * (never drop it), and a request that waited past its time to live is dropped. A webhook request
 * is a call to a partner's system, not a message to the person: it goes on its own channel only, with
 * none of the person's consent, suppression, caps or quiet hours (the template names the receiver);
 * and person channels never fall back to it. Pure: the caller reads the facts and the clock.
 */
public final class SendingPolicy {

    private final PolicyRules rules;

    public SendingPolicy(PolicyRules rules) {
        this.rules = rules;
    }

    public PolicyRules rules() {
        return rules;
    }

    /** When a request stops being worth sending: its request time plus the time to live. */
    public Instant expiresAt(MessageRequested request, Instant receivedAt) {
        Instant from = request.requestedAt() != null ? request.requestedAt() : receivedAt;
        return from.plus(rules.timeToLive());
    }

    /**
     * @param recipient null when the gateway has no projection of the profile (yet)
     * @param expiresAt from {@link #expiresAt}, fixed when the request was first received
     */
    public Decision decide(MessageRequested request, Recipient recipient, RecipientFacts facts, Instant expiresAt,
            Instant now) {
        if (now.isAfter(expiresAt)) {
            return new Decision.Suppress(Reason.EXPIRED, "not sendable by " + expiresAt, List.of());
        }
        if (recipient == null) {
            return new Decision.Defer(now.plus(rules.unknownRecipientRetry()), request.channel(), Reason.RECIPIENT_UNKNOWN,
                    "no profile " + request.profileId() + " known yet", List.of());
        }
        if (request.channel() != null && !Channels.reachesPerson(request.channel())) {
            return rules.deliverable().contains(request.channel()) ? new Decision.Send(request.channel(), null, List.of())
                    : new Decision.Suppress(Reason.CHANNEL_UNSUPPORTED, "the gateway does not deliver on " + request.channel(),
                            List.of());
        }
        ZoneId zone = recipient.timeZone() != null ? recipient.timeZone() : rules.defaultZone();
        List<Decision.Skipped> skipped = new ArrayList<>();
        for (String channel : candidates(request, recipient)) {
            Optional<Decision.Skipped> refusal = refusal(channel, request, recipient, facts, zone, now);
            if (refusal.isPresent()) {
                skipped.add(refusal.get());
                continue;
            }
            if (!request.transactional() && recipient.quietHours() != null) {
                Optional<Instant> end = quietUntil(recipient.quietHours(), zone, now);
                if (end.isPresent()) {
                    return new Decision.Defer(end.get(), channel, Reason.QUIET_HOURS, "quiet hours "
                            + recipient.quietHours().start() + "-" + recipient.quietHours().end() + " " + zone.getId(), skipped);
                }
            }
            return new Decision.Send(channel, recipient.address(channel), skipped);
        }
        if (skipped.isEmpty()) {
            return new Decision.Suppress(Reason.CHANNEL_UNSUPPORTED, "no channel to try", skipped);
        }
        Decision.Skipped first = skipped.get(0);
        return new Decision.Suppress(first.reason(), first.channel() + ": " + first.detail(), skipped);
    }

    /** The request's channel first, then the recipient's order (or the default), each once. */
    private List<String> candidates(MessageRequested request, Recipient recipient) {
        List<String> order = new ArrayList<>();
        if (request.channel() != null) {
            order.add(request.channel());
        }
        for (String channel : recipient.channelOrder().isEmpty() ? rules.defaultChannelOrder() : recipient.channelOrder()) {
            if (!order.contains(channel) && Channels.reachesPerson(channel)) {
                order.add(channel);
            }
        }
        return order;
    }

    private Optional<Decision.Skipped> refusal(String channel, MessageRequested request, Recipient recipient,
            RecipientFacts facts, ZoneId zone, Instant now) {
        if (!rules.deliverable().contains(channel)) {
            return skip(channel, Reason.CHANNEL_UNSUPPORTED, "the gateway does not deliver on " + channel);
        }
        if (!request.transactional()) {
            Optional<Decision.Skipped> consent = consentRefusal(channel, request.topic(), recipient);
            if (consent.isPresent()) {
                return consent;
            }
        }
        String address = recipient.address(channel);
        SuppressionReason suppression = facts.suppression(channel, address);
        if (suppression != null && (!request.transactional() || suppression.blocksTransactional())) {
            return skip(channel, Reason.SUPPRESSION_LIST, "address suppressed (" + suppression.code() + ")");
        }
        if (address == null) {
            return skip(channel, Reason.NO_ADDRESS, "no " + channel + " address");
        }
        if (!Addresses.valid(channel, address)) {
            return skip(channel, Reason.INVALID_ADDRESS, "not a valid " + channel + " address");
        }
        if (!request.transactional()) {
            Optional<PolicyRules.Cap> cap = rules.cap(channel);
            if (cap.isPresent()) {
                Instant windowStart = windowStart(cap.get(), zone, now);
                long sent = facts.sent(channel).stream().filter(at -> !at.isBefore(windowStart) && !at.isAfter(now)).count();
                if (sent >= cap.get().messages()) {
                    return skip(channel, Reason.FREQUENCY_CAP, sent + " marketing " + channel + " messages since " + windowStart
                            + " (at most " + cap.get().messages() + " in " + cap.get().days() + " days)");
                }
            }
            for (PolicyRules.TagCap tagCap : rules.tagCaps()) {
                if (!tagCap.covers(request.topic(), channel)) {
                    continue;
                }
                Instant windowStart = windowStart(tagCap.cap(), zone, now);
                long sent = facts.marketing().stream().filter(s -> tagCap.covers(s.topic(), s.channel()))
                        .filter(s -> !s.at().isBefore(windowStart) && !s.at().isAfter(now)).count();
                if (sent >= tagCap.cap().messages()) {
                    return skip(channel, Reason.FREQUENCY_CAP, sent + " " + tagCap.tag() + " messages"
                            + (tagCap.channel() == null ? "" : " by " + tagCap.channel()) + " since " + windowStart + " (at most "
                            + tagCap.cap().messages() + " in " + tagCap.cap().days() + " days)");
                }
            }
        }
        return Optional.empty();
    }

    /** The first instant of a cap's window: midnight in the recipient's zone, {@code days - 1} days before today. */
    private static Instant windowStart(PolicyRules.Cap cap, ZoneId zone, Instant now) {
        return now.atZone(zone).toLocalDate().minusDays(cap.days() - 1L).atStartOfDay(zone).toInstant();
    }

    /** The topic's own consent wins over the whole channel's ({@code *}); a transactional-only consent allows no marketing. */
    private static Optional<Decision.Skipped> consentRefusal(String channel, String topic, Recipient recipient) {
        ConsentState forTopic = null;
        ConsentState forChannel = null;
        for (ConsentState consent : recipient.consents()) {
            if (!channel.equals(consent.channel())) {
                continue;
            }
            if (topic != null && topic.equals(consent.topic())) {
                forTopic = consent;
            } else if (ConsentState.ANY_TOPIC.equals(consent.topic())) {
                forChannel = consent;
            }
        }
        ConsentState consent = forTopic != null ? forTopic : forChannel;
        String what = channel + "/" + (topic == null ? ConsentState.ANY_TOPIC : topic);
        if (consent == null) {
            return skip(channel, Reason.NO_CONSENT, "no consent for " + what);
        }
        if (!consent.granted()) {
            return skip(channel, Reason.CONSENT_WITHDRAWN, "consent for " + what + " is " + consent.status());
        }
        if (consent.transactional()) {
            return skip(channel, Reason.NO_CONSENT, "only a transactional consent for " + what);
        }
        return Optional.empty();
    }

    /** The end of the quiet period {@code now} falls in, in the recipient's zone; empty outside it. */
    static Optional<Instant> quietUntil(Recipient.QuietHours quiet, ZoneId zone, Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime t = local.toLocalTime();
        boolean quietNow = quiet.start().isBefore(quiet.end())
                ? !t.isBefore(quiet.start()) && t.isBefore(quiet.end())
                : !t.isBefore(quiet.start()) || t.isBefore(quiet.end());
        if (!quietNow) {
            return Optional.empty();
        }
        LocalDate endDay = t.isBefore(quiet.end()) ? local.toLocalDate() : local.toLocalDate().plusDays(1);
        return Optional.of(ZonedDateTime.of(endDay, quiet.end(), zone).toInstant());
    }

    private static Optional<Decision.Skipped> skip(String channel, Reason reason, String detail) {
        return Optional.of(new Decision.Skipped(channel, reason, detail));
    }
}

package io.touchpoint.gateway.template.domain;

import java.util.HashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.gateway.delivery.domain.Content;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.MessageRenderer;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.gateway.template.store.TemplateStore;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Deliveries render the latest published version of their template, in the recipient's locale or
 * its fallback; marketing templates also see {@code unsubscribeUrl}, the one-click link, and
 * {@code preferencesUrl}, the preference center. {@code segments} holds the ids of the segments the
 * recipient is in as the gateway's projection knows them ({@code {% if segments contains "vip" %}}).
 */
@ApplicationScoped
public class TemplateRenderer implements MessageRenderer {

    private final Pool pool;
    private final RecipientStore recipients;
    private final TemplateStore templates;
    private final MembershipStore memberships;
    private final UnsubscribeLinks links;

    TemplateRenderer(Pool pool, RecipientStore recipients, TemplateStore templates, MembershipStore memberships,
            UnsubscribeLinks links) {
        this.pool = pool;
        this.recipients = recipients;
        this.templates = templates;
        this.memberships = memberships;
        this.links = links;
    }

    @Override
    public Uni<Renders> prepare(List<Delivery> batch) {
        List<String> profiles = batch.stream().map(Delivery::profileId).distinct().toList();
        List<String> keys = batch.stream().map(Delivery::templateId).filter(Objects::nonNull).distinct().toList();
        return pool.withConnection(sql -> Uni.combine().all()
                .unis(recipients.findAll(sql, profiles), templates.latestOf(sql, keys), memberships.of(sql, profiles))
                .with((found, versions, held) -> {
                    Map<String, Set<String>> segments = new HashMap<>();
                    held.stream().filter(MembershipStore.Membership::member).forEach(m -> segments
                            .computeIfAbsent(m.profileId(), p -> new TreeSet<>()).add(m.segmentId()));
                    return (Renders) d -> render(d, found.get(d.profileId()), Optional.ofNullable(versions.get(d.templateId())),
                            segments.getOrDefault(d.profileId(), Set.of()));
                }));
    }

    /** @param recipient null when the profile is no longer known (its variables then come from the request only) */
    private Uni<Content> render(Delivery delivery, Recipient recipient, Optional<TemplateStore.Version> found,
            Set<String> segments) {
        // A webhook goes to a partner's system: there is nobody to unsubscribe.
        Uni<String> token = delivery.transactional() || !Channels.reachesPerson(delivery.channel()) ? Uni.createFrom().nullItem()
                : links.token(delivery);
        return token.map(signed -> {
            if (found.isEmpty()) {
                throw new RenderFailed("template " + delivery.templateId() + " has no published version");
            }
            TemplateStore.Version version = found.get();
            var variant = version.content().variantFor(recipient == null ? null : recipient.locale());
            if (variant == null) {
                throw new RenderFailed("template " + delivery.templateId() + " v" + version.version() + " has no locale "
                        + version.content().fallbackChain(recipient == null ? null : recipient.locale()));
            }
            try {
                Map<String, Object> data = data(delivery, recipient, segments);
                if (signed != null) {
                    data.put("unsubscribeUrl", links.url(signed));
                    data.put("preferencesUrl", links.preferencesUrl(signed));
                }
                return Liquid.renderPublished(variant.getValue(), delivery.channel(), data);
            } catch (Liquid.Failure e) {
                throw new RenderFailed("template " + delivery.templateId() + " v" + version.version() + " ("
                        + variant.getKey() + ", " + delivery.channel() + "): " + e.getMessage());
            }
        });
    }

    public static Map<String, Object> data(String profileId, Map<String, Object> traits, Map<String, Object> computed,
            Collection<String> segments, Map<String, Object> vars) {
        Map<String, Object> data = new HashMap<>();
        data.put("profileId", profileId);
        data.put("profile", traits == null ? Map.of() : traits);
        data.put("computed", computed == null ? Map.of() : computed);
        data.put("segments", segments == null ? List.of() : List.copyOf(segments));
        data.put("vars", vars == null ? Map.of() : vars);
        return data;
    }

    private static Map<String, Object> data(Delivery delivery, Recipient recipient, Set<String> segments) {
        return data(delivery.profileId(), recipient == null ? null : recipient.traits(),
                recipient == null ? null : recipient.computed(), segments, delivery.variables());
    }

}

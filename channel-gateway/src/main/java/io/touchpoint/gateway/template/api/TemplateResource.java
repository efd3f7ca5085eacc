package io.touchpoint.gateway.template.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.Roles;
import io.touchpoint.gateway.delivery.domain.Addresses;
import io.touchpoint.gateway.delivery.domain.Content;
import io.touchpoint.gateway.delivery.domain.Delivery;
import io.touchpoint.gateway.delivery.domain.DeliveryState;
import io.touchpoint.gateway.delivery.domain.EmailConfig;
import io.touchpoint.gateway.delivery.messaging.EmailSender;
import io.touchpoint.gateway.draft.store.VersionedDrafts;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.gateway.template.domain.Liquid;
import io.touchpoint.gateway.template.domain.TemplateContent;
import io.touchpoint.gateway.template.domain.TemplateRenderer;
import io.touchpoint.gateway.template.store.TemplateStore;
import io.touchpoint.gateway.unsubscribe.domain.UnsubscribeLinks;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Templates by their stable key (what a journey's send node names): a draft edited with PUT and
 * checked by rendering it against a sample profile on every save, immutable published versions,
 * a preview for a profile or for sample data, and a test send of that preview to an address.
 */
@CustomDeserialization(StrictBody.class)
@Path("/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class TemplateResource {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final int SMS_MAX = 1600;

    @RegisterForReflection
    public record TemplateDraft(@NotBlank @Size(max = 200) String name, @Size(max = 2000) String description,
            @NotBlank @Size(max = 35) String defaultLocale, @NotNull Map<String, TemplateContent.Variant> locales) {
    }

    @RegisterForReflection
    public record TemplateView(String key, String name, String description, TemplateContent draft, Integer publishedVersion,
            Instant createdAt, Instant updatedAt) {
        static TemplateView of(TemplateStore.TemplateRow t) {
            return new TemplateView(t.key(), t.name(), t.description(), t.draft(), t.latestVersion(), t.createdAt(),
                    t.updatedAt());
        }
    }

    @RegisterForReflection
    public record VersionView(String key, int version, TemplateContent content, Instant publishedAt) {
        static VersionView of(TemplateStore.Version v) {
            return new VersionView(v.key(), v.version(), v.content(), v.publishedAt());
        }
    }

    @RegisterForReflection
    public record PreviewRequest(@Size(max = 20) String channel, @Size(max = 35) String locale, @Min(1) Integer version,
            @Size(max = 200) String profileId, Map<String, Object> traits, Map<String, Object> computed,
            @Size(max = 1000) List<@Size(max = 200) String> segments, Map<String, Object> variables) {
    }

    @RegisterForReflection
    public record TestSendRequest(@NotBlank @Size(max = 320) String address, @Size(max = 35) String locale,
            @Min(1) Integer version, @Size(max = 200) String profileId, Map<String, Object> traits,
            Map<String, Object> computed, @Size(max = 1000) List<@Size(max = 200) String> segments, Map<String, Object> variables) {
    }

    @RegisterForReflection
    public record TestSent(String key, Integer version, String to, String messageId, String subject) {
    }

    @RegisterForReflection
    public record PreviewView(String key, Integer version, String channel, String locale, String subject, String html,
            String text, String endpoint) {
    }

    private final Pool pool;
    private final TemplateStore templates;
    private final RecipientStore recipients;
    private final MembershipStore memberships;
    private final Clock clock;
    private final EmailSender email;
    private final EmailConfig emailConfig;
    private final UnsubscribeLinks links;
    /** The token of a preview's and test send's unsubscribe and preference links: not signed, so it names no one. */
    static final String PLACEHOLDER_TOKEN = "preview";

    TemplateResource(Pool pool, TemplateStore templates, RecipientStore recipients, MembershipStore memberships, Clock clock,
            EmailSender email, EmailConfig emailConfig, UnsubscribeLinks links) {
        this.pool = pool;
        this.templates = templates;
        this.recipients = recipients;
        this.memberships = memberships;
        this.clock = clock;
        this.email = email;
        this.emailConfig = emailConfig;
        this.links = links;
    }

    @PUT
    @Path("{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a template or replace its draft; rendered against a sample profile first (400 names the part and line)")
    public Uni<RestResponse<TemplateView>> save(@PathParam("key") String key, @NotNull @Valid TemplateDraft body) {
        key(key);
        TemplateContent content = new TemplateContent(body.defaultLocale(), body.locales());
        List<Problem.Violation> violations = new ArrayList<>(shape(content));
        if (violations.isEmpty()) {
            violations.addAll(Liquid.check(content));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException("The template is not valid.", violations);
        }
        Instant now = clock.instant();
        return pool.withTransaction(sql -> templates.saveDraft(sql, key, body.name().strip(), body.description(), content, now)
                .chain(created -> templates.find(sql, key).map(saved -> {
                    TemplateView view = TemplateView.of(saved.orElseThrow());
                    return created ? RestResponse.ResponseBuilder.<TemplateView>created(URI.create("/v1/templates/" + key))
                            .entity(view).build() : RestResponse.ok(view);
                })));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "List templates, oldest first; pass nextCursor as cursor for the following page")
    public Uni<Page<TemplateView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam(Page.CURSOR) String cursor) {
        VersionedDrafts.After after = VersionedDrafts.After.of(cursor);
        return pool.withConnection(sql -> templates.page(sql, after, limit))
                .map(page -> new Page<>(page.items().stream().map(TemplateView::of).toList(), page.nextCursor()));
    }

    @GET
    @Path("{key}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "A template: its draft and the number of its latest published version")
    public Uni<TemplateView> get(@PathParam("key") String key) {
        return pool.withConnection(sql -> templates.find(sql, key))
                .map(found -> TemplateView.of(found.orElseThrow(() -> notFound(key))));
    }

    @POST
    @Path("{key}/publish")
    @Operation(summary = "Publish the draft as a new immutable version (the latest one again when the draft has not changed)")
    public Uni<VersionView> publish(@PathParam("key") String key) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> templates.publish(sql, key, now))
                .map(found -> VersionView.of(found.orElseThrow(() -> notFound(key))));
    }

    @GET
    @Path("{key}/versions/{version}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "One published version, as it was published")
    public Uni<VersionView> version(@PathParam("key") String key, @PathParam("version") @Min(1) int version) {
        return pool.withConnection(sql -> templates.version(sql, key, version)).map(found -> VersionView.of(found
                .orElseThrow(() -> new NotFoundException("Template " + key + " has no version " + version + "."))));
    }

    @POST
    @Path("{key}/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "Render the draft (or a version) for a profile the gateway knows, or for the traits given")
    public Uni<PreviewView> preview(@PathParam("key") String key, @Valid PreviewRequest body) {
        PreviewRequest request = body == null ? new PreviewRequest(null, null, null, null, null, null, null, null) : body;
        String channel = request.channel() == null ? Channels.EMAIL : request.channel();
        if (!channel.equals(Channels.EMAIL) && !channel.equals(Channels.SMS) && !channel.equals(Channels.WEBHOOK)) {
            throw InvalidRequestException.field("channel", "must be email, sms or webhook");
        }
        return render(key, channel, request);
    }

    @POST
    @Path("{key}/test-send")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Render the draft (or a version) as the preview does and send it as an email to the address given")
    public Uni<RestResponse<TestSent>> testSend(@PathParam("key") String key, @NotNull @Valid TestSendRequest body) {
        if (!Addresses.valid(Channels.EMAIL, body.address())) {
            throw InvalidRequestException.field("address", "must be an email address");
        }
        PreviewRequest request = new PreviewRequest(Channels.EMAIL, body.locale(), body.version(), body.profileId(), body.traits(),
                body.computed(), body.segments(), body.variables());
        // Not a delivery: no policy, no ledger row, no event, and unsubscribe links that withdraw no one's consent.
        String id = "test-" + UUID.randomUUID();
        Delivery test = new Delivery(id, id, "test-send", null, null, key, null, true, Channels.EMAIL, Channels.EMAIL,
                body.address().strip(), DeliveryState.SENDING, null, null, Map.of(), clock.instant(), clock.instant());
        return render(key, Channels.EMAIL, request).chain(view -> email.send(test, new Content("[Test] " + view.subject(),
                view.html(), view.text())).map(sent -> RestResponse.accepted(new TestSent(key, view.version(), body.address().strip(),
                        EmailSender.messageId(id, emailConfig.messageIdDomain()), "[Test] " + view.subject()))));
    }

    private Uni<PreviewView> render(String key, String channel, PreviewRequest request) {
        return pool.withConnection(sql -> content(sql, key, request.version()).chain(content -> {
            if (request.profileId() == null) {
                return Uni.createFrom().item(new Rendering(content, request.locale(), TemplateRenderer.data("sample-profile",
                        request.traits() == null ? Map.of("firstName", "Ada") : request.traits(), request.computed(),
                        request.segments(), request.variables())));
            }
            return recipients.find(sql, request.profileId()).chain(found -> {
                var recipient = found.orElseThrow(() -> new NotFoundException("No profile " + request.profileId()
                        + " is known to the gateway."));
                return memberships.segmentsOf(sql, recipient.profileId()).map(segments -> new Rendering(content,
                        request.locale() != null ? request.locale() : recipient.locale(),
                        TemplateRenderer.data(recipient.profileId(), recipient.traits(), recipient.computed(), segments,
                                request.variables())));
            });
        })).map(r -> {
            var variant = r.content().content().variantFor(r.locale());
            if (variant == null) {
                throw InvalidRequestException.field("locale", "the template has none of " + r.content().content().fallbackChain(r.locale()));
            }
            // Where the one-click and preference links sit, shown as links that withdraw nothing
            // (their token verifies as no one's), rather than as empty hrefs.
            Map<String, Object> data = new HashMap<>(r.data());
            data.put("unsubscribeUrl", links.url(PLACEHOLDER_TOKEN));
            data.put("preferencesUrl", links.preferencesUrl(PLACEHOLDER_TOKEN));
            try {
                Content rendered = Liquid.render(variant.getValue(), channel, data);
                return new PreviewView(key, r.content().version(), channel, variant.getKey(), rendered.subject(), rendered.html(),
                        rendered.text(), rendered.endpoint());
            } catch (Liquid.Failure e) {
                throw InvalidRequestException.field("channel", e.getMessage());
            }
        });
    }

    private record Versioned(TemplateContent content, Integer version) {
    }

    private record Rendering(Versioned content, String locale, Map<String, Object> data) {
    }

    private Uni<Versioned> content(io.vertx.mutiny.sqlclient.SqlClient sql, String key, Integer version) {
        if (version == null) {
            return templates.find(sql, key).map(found -> new Versioned(found.orElseThrow(() -> notFound(key)).draft(), null));
        }
        return templates.version(sql, key, version).map(found -> new Versioned(found.orElseThrow(() -> new NotFoundException(
                "Template " + key + " has no version " + version + ".")).content(), version));
    }

    private static void key(String key) {
        if (!KEY.matcher(key).matches()) {
            throw InvalidRequestException.field("path.key", "must be 1 to 100 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
    }

    /** What the template must hold before it is worth rendering: a default locale it has, each part where its channel needs it. */
    private static List<Problem.Violation> shape(TemplateContent content) {
        List<Problem.Violation> violations = new ArrayList<>();
        if (content.locales().isEmpty()) {
            violations.add(new Problem.Violation("locales", "must hold at least one locale"));
        }
        if (content.locales().keySet().stream().noneMatch(l -> l.equalsIgnoreCase(content.defaultLocale()))) {
            violations.add(new Problem.Violation("defaultLocale", "must be one of the template's locales"));
        }
        content.locales().forEach((locale, variant) -> {
            String at = "locales." + locale;
            if (locale.length() > 35 || Locale.forLanguageTag(locale).getLanguage().isEmpty()
                    || !Locale.forLanguageTag(locale).toLanguageTag().equalsIgnoreCase(locale)) {
                violations.add(new Problem.Violation("locales", locale + " is not a BCP 47 language tag such as fi-FI"));
            }
            if (variant == null || (variant.email() == null && variant.sms() == null && variant.webhook() == null)) {
                violations.add(new Problem.Violation(at, "must hold email, sms or webhook content"));
                return;
            }
            if (variant.webhook() != null) {
                if (variant.webhook().endpoint() == null || !KEY.matcher(variant.webhook().endpoint()).matches()) {
                    violations.add(new Problem.Violation(at + ".webhook.endpoint", "must be a webhook endpoint's key"));
                }
                if (variant.webhook().body() == null || variant.webhook().body().isBlank()) {
                    violations.add(new Problem.Violation(at + ".webhook.body", "must not be blank"));
                }
            }
            if (variant.email() != null) {
                if (variant.email().subject() == null || variant.email().subject().isBlank()) {
                    violations.add(new Problem.Violation(at + ".email.subject", "must not be blank"));
                }
                if (variant.email().html() == null && variant.email().text() == null) {
                    violations.add(new Problem.Violation(at + ".email", "must hold html or text"));
                }
            }
            if (variant.sms() != null && (variant.sms().text() == null || variant.sms().text().isBlank())) {
                violations.add(new Problem.Violation(at + ".sms.text", "must not be blank"));
            } else if (variant.sms() != null && variant.sms().text().length() > SMS_MAX) {
                violations.add(new Problem.Violation(at + ".sms.text", "must be at most " + SMS_MAX + " characters"));
            }
        });
        return violations;
    }

    private static NotFoundException notFound(String key) {
        return new NotFoundException("No template " + key + ".");
    }
}

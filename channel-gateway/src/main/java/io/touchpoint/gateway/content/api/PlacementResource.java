package io.touchpoint.gateway.content.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import io.touchpoint.conditions.ConditionEvaluator;
import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.Roles;
import io.touchpoint.gateway.content.domain.ContentDecisions;
import io.touchpoint.gateway.content.domain.Placement;
import io.touchpoint.gateway.content.domain.PlacementCompiler;
import io.touchpoint.gateway.content.domain.PlacementDefinition;
import io.touchpoint.gateway.content.domain.PlacementRegistry;
import io.touchpoint.gateway.content.domain.VariantContent;
import io.touchpoint.gateway.content.domain.Visitor;
import io.touchpoint.gateway.content.domain.Visits;
import io.touchpoint.gateway.content.store.PlacementStore;
import io.touchpoint.gateway.draft.store.VersionedDrafts;
import io.touchpoint.gateway.recipient.store.MembershipStore;
import io.touchpoint.gateway.recipient.store.RecipientStore;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Placements by their stable key (what a page asks {@code /v1/content/{key}} for): a draft checked
 * whole on every save (rules, Liquid, priorities), immutable published versions (visitors are served
 * the latest, on every replica within moments), and a preview that explains which variant a visitor
 * would get and why.
 */
@CustomDeserialization(StrictBody.class)
@Path("/v1/placements")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class PlacementResource {

    @RegisterForReflection
    public record PlacementDraft(@NotBlank @Size(max = 200) String name, @Size(max = 2000) String description,
            String contentType, List<PlacementDefinition.Variant> variants) {
    }

    @RegisterForReflection
    public record PlacementView(String key, String name, String description, PlacementDefinition draft,
            Integer publishedVersion, Instant createdAt, Instant updatedAt) {
        static PlacementView of(PlacementStore.PlacementRow p) {
            return new PlacementView(p.key(), p.name(), p.description(), p.draft(), p.latestVersion(), p.createdAt(),
                    p.updatedAt());
        }
    }

    @RegisterForReflection
    public record VersionView(String key, int version, PlacementDefinition content, Instant publishedAt) {
        static VersionView of(PlacementStore.Version v) {
            return new VersionView(v.key(), v.version(), v.content(), v.publishedAt());
        }
    }

    /** The visit of a preview, as a content request gives it. */
    @RegisterForReflection
    public record PreviewVisit(String url, String referrer, String utm_source, String utm_medium, String utm_campaign,
            String utm_term, String utm_content) {
    }

    @RegisterForReflection
    public record PreviewRequest(@Min(1) Integer version, @Size(max = 200) String profileId, Map<String, Object> traits,
            Map<String, Object> computed, Set<String> segments, PreviewVisit visit) {
    }

    /** Each variant in the order tried, whether its rule held, and the trace of the rule. */
    @RegisterForReflection
    public record VariantTrace(String variant, int priority, boolean held, ConditionEvaluator.Trace rule) {
    }

    @RegisterForReflection
    public record PreviewView(String key, Integer version, String variant, Object content, Map<String, Object> visit,
            List<VariantTrace> variants) {
    }

    private final Pool pool;
    private final PlacementStore placements;
    private final PlacementRegistry registry;
    private final RecipientStore recipients;
    private final MembershipStore memberships;
    private final ContentDecisions decisions;
    private final Clock clock;

    PlacementResource(Pool pool, PlacementStore placements, PlacementRegistry registry, RecipientStore recipients,
            MembershipStore memberships, ContentDecisions decisions, Clock clock) {
        this.pool = pool;
        this.placements = placements;
        this.registry = registry;
        this.recipients = recipients;
        this.memberships = memberships;
        this.decisions = decisions;
        this.clock = clock;
    }

    @PUT
    @Path("{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a placement or replace its draft; checked whole first (400 names each field: rules, "
            + "Liquid, keys, priorities)")
    public Uni<RestResponse<PlacementView>> save(@PathParam("key") String key, @Valid PlacementDraft body) {
        key(key);
        if (body == null) {
            throw InvalidRequestException.field("name", "is required");
        }
        PlacementDefinition definition = new PlacementDefinition(body.contentType(), body.variants());
        List<Problem.Violation> violations = PlacementCompiler.check(definition);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException("The placement is not valid.", violations);
        }
        Instant now = clock.instant();
        return pool.withTransaction(sql -> placements.saveDraft(sql, key, body.name().strip(), body.description(), definition, now)
                .chain(created -> placements.find(sql, key).map(saved -> {
                    PlacementView view = PlacementView.of(saved.orElseThrow());
                    return created ? RestResponse.ResponseBuilder.<PlacementView>created(URI.create("/v1/placements/" + key))
                            .entity(view).build() : RestResponse.ok(view);
                })));
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "List placements, oldest first; pass nextCursor as cursor for the following page")
    public Uni<Page<PlacementView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam(Page.CURSOR) String cursor) {
        VersionedDrafts.After after = VersionedDrafts.After.of(cursor);
        return pool.withConnection(sql -> placements.page(sql, after, limit))
                .map(page -> new Page<>(page.items().stream().map(PlacementView::of).toList(), page.nextCursor()));
    }

    @GET
    @Path("{key}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "A placement: its draft and the number of its latest published version")
    public Uni<PlacementView> get(@PathParam("key") String key) {
        return pool.withConnection(sql -> placements.find(sql, key))
                .map(found -> PlacementView.of(found.orElseThrow(() -> notFound(key))));
    }

    @POST
    @Path("{key}/publish")
    @Operation(summary = "Publish the draft as a new immutable version, served to visitors from now on (the latest "
            + "version again when the draft has not changed)")
    public Uni<VersionView> publish(@PathParam("key") String key) {
        Instant now = clock.instant();
        return pool.withTransaction(sql -> placements.publish(sql, key, now))
                .map(found -> found.orElseThrow(() -> notFound(key)))
                .call(version -> registry.changed(key))
                .map(VersionView::of);
    }

    @GET
    @Path("{key}/versions/{version}")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "One published version, as it was published")
    public Uni<VersionView> version(@PathParam("key") String key, @PathParam("version") @Min(1) int version) {
        return pool.withConnection(sql -> placements.version(sql, key, version)).map(found -> VersionView.of(found
                .orElseThrow(() -> new NotFoundException("Placement " + key + " has no version " + version + "."))));
    }

    @DELETE
    @Path("{key}")
    @Operation(summary = "Delete a placement and its versions; pages asking for it get 404 from then on")
    public Uni<RestResponse<Void>> delete(@PathParam("key") String key) {
        return pool.withTransaction(sql -> placements.delete(sql, key)).chain(deleted -> {
            if (!deleted) {
                throw notFound(key);
            }
            return registry.changed(key).replaceWith(RestResponse.<Void>noContent());
        });
    }

    @POST
    @Path("{key}/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "The decision of the draft (or a version) for a profile the gateway knows, or for the data "
            + "given, with every variant's rule explained")
    public Uni<PreviewView> preview(@PathParam("key") String key, @Valid PreviewRequest body) {
        PreviewRequest request = body == null ? new PreviewRequest(null, null, null, null, null, null) : body;
        return pool.withConnection(sql -> definition(sql, key, request.version())
                .chain(definition -> facts(sql, request).map(facts -> explain(key, request, definition, facts))));
    }

    private Uni<PlacementDefinition> definition(SqlClient sql, String key, Integer version) {
        if (version == null) {
            return placements.find(sql, key).map(found -> found.orElseThrow(() -> notFound(key)).draft());
        }
        return placements.version(sql, key, version).map(found -> found.orElseThrow(() -> new NotFoundException(
                "Placement " + key + " has no version " + version + ".")).content());
    }

    private Uni<ConditionEvaluator.Facts> facts(SqlClient sql, PreviewRequest request) {
        if (request.profileId() == null) {
            return Uni.createFrom().item(new ConditionEvaluator.Facts("preview", orEmpty(request.traits()),
                    orEmpty(request.computed()), List.of(), List.of(), request.segments() == null ? Set.of() : request.segments()));
        }
        return recipients.find(sql, request.profileId()).chain(found -> {
            var recipient = found.orElseThrow(() -> new NotFoundException("No profile " + request.profileId()
                    + " is known to the gateway."));
            return memberships.segmentsOf(sql, recipient.profileId()).map(segments -> new ConditionEvaluator.Facts(
                    recipient.profileId(), recipient.traits(), recipient.computed(), recipient.consents(), List.of(), segments));
        });
    }

    private PreviewView explain(String key, PreviewRequest request, PlacementDefinition definition, ConditionEvaluator.Facts facts) {
        Placement placement = PlacementCompiler.compile(key, request.version() == null ? 0 : request.version(), 0, definition);
        PreviewVisit v = request.visit();
        Visits.Request visitRequest = v == null ? null : new Visits.Request(v.url(), v.referrer(), v.utm_source(), v.utm_medium(),
                v.utm_campaign(), v.utm_term(), v.utm_content());
        Map<String, Object> visit = Visits.of(visitRequest, new Visitor(facts.profileId(),
                facts.traits(), facts.computed(), facts.consents(), facts.memberships()));
        ConditionEvaluator.Facts withVisit = facts.withVisit(visit);
        Instant now = clock.instant();
        List<VariantTrace> traces = new ArrayList<>();
        Placement.CompiledVariant chosen = null;
        for (Placement.CompiledVariant variant : placement.variants()) {
            ConditionEvaluator.Trace trace = variant.rule() == null ? null : ConditionEvaluator.explain(variant.rule(), withVisit, now);
            boolean held = trace == null || trace.held();
            traces.add(new VariantTrace(variant.key(), variant.priority(), held, trace));
            if (held && chosen == null) {
                chosen = variant;
            }
        }
        Object content = null;
        if (chosen != null) {
            Map<String, Object> data = decisions.templateData(key, chosen.key(), visit, facts.traits(), facts.computed());
            content = VariantContent.read(chosen.content().json(data));
        }
        return new PreviewView(key, request.version(), chosen == null ? null : chosen.key(), content, visit, traces);
    }

    private static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }

    private static void key(String key) {
        if (!PlacementCompiler.KEY.matcher(key).matches()) {
            throw InvalidRequestException.field("path.key", "must be 1 to 100 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
    }

    private static NotFoundException notFound(String key) {
        return new NotFoundException("No placement " + key + ".");
    }
}

package io.touchpoint.gateway.webhook.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
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
import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.Roles;
import io.touchpoint.gateway.webhook.domain.WebhookConfig;
import io.touchpoint.gateway.webhook.domain.WebhookEndpoint;
import io.touchpoint.gateway.webhook.domain.WebhookSignature;
import io.touchpoint.gateway.webhook.store.WebhookEndpointStore;
import io.touchpoint.platform.api.Cursor;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Partners' webhook receivers, by the stable key webhook templates name. A secret
 * ({@code whsec_...}) is made when an endpoint is created and when it is rotated, and shown only
 * in those answers: the partner stores it to verify calls. A rotation keeps the previous secret
 * signing for an overlap (default a day), so the partner switches without refusing a call.
 */
@CustomDeserialization(StrictBody.class)
@Path("/v1/webhook-endpoints")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class WebhookEndpointResource {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Duration MAX_OVERLAP = Duration.ofDays(7);

    @RegisterForReflection
    public record EndpointDefinition(@Size(max = 2000) String url, @Size(max = 2000) String description,
            Boolean enabled) {
    }

    @RegisterForReflection
    public record Rotation(@Size(max = 40) String overlap) {
    }

    @RegisterForReflection
    public record EndpointView(String key, String url, String description, boolean enabled, int secrets, Instant createdAt,
            Instant updatedAt, String secret) {
        static EndpointView of(WebhookEndpoint e, Instant now, String secret) {
            return new EndpointView(e.key(), e.url(), e.description(), e.enabled(), e.signing(now).size(), e.createdAt(),
                    e.updatedAt(), secret);
        }
    }

    @RegisterForReflection
    public record RotatedSecret(String key, String secret, Instant previousSecretExpiresAt) {
    }

    private final Pool pool;
    private final WebhookEndpointStore endpoints;
    private final Clock clock;
    private final WebhookConfig config;

    WebhookEndpointResource(Pool pool, WebhookEndpointStore endpoints, Clock clock, WebhookConfig config) {
        this.pool = pool;
        this.endpoints = endpoints;
        this.clock = clock;
        this.config = config;
    }

    @PUT
    @Path("{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a webhook endpoint (201, with its first secret, shown only now) or change its URL, description or enabled")
    public Uni<RestResponse<EndpointView>> save(@PathParam("key") String key, @NotNull @Valid EndpointDefinition body) {
        key(key);
        String url = url(body.url());
        boolean enabled = body.enabled() == null || body.enabled();
        String description = body.description() == null || body.description().isBlank() ? null : body.description().strip();
        Instant now = clock.instant();
        String secret = WebhookSignature.newSecret();
        return pool.withTransaction(sql -> endpoints.create(sql, key, url, description, enabled, secret, now).chain(created -> {
            Uni<Void> saved = created ? Uni.createFrom().voidItem() : endpoints.update(sql, key, url, description, enabled, now);
            return saved.chain(() -> endpoints.find(sql, key)).map(found -> {
                WebhookEndpoint endpoint = found.orElseThrow();
                return created ? RestResponse.ResponseBuilder.<EndpointView>created(URI.create("/v1/webhook-endpoints/" + key))
                        .entity(EndpointView.of(endpoint, now, secret)).build() : RestResponse.ok(EndpointView.of(endpoint, now, null));
            });
        }));
    }

    @GET
    @Operation(summary = "List webhook endpoints, oldest first; pass nextCursor as cursor for the following page")
    public Uni<Page<EndpointView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam(Page.CURSOR) String cursor) {
        Instant afterAt = null;
        String afterKey = null;
        if (cursor != null) {
            List<String> after = Cursor.decode(cursor, 2);
            try {
                afterAt = Instant.parse(after.get(0));
            } catch (DateTimeParseException e) {
                throw InvalidRequestException.field(Page.CURSOR, "is not a cursor this API returned");
            }
            afterKey = after.get(1);
        }
        Instant at = afterAt;
        String k = afterKey;
        Instant now = clock.instant();
        return pool.withConnection(sql -> endpoints.page(sql, at, k, limit + 1)).map(rows -> {
            List<WebhookEndpoint> items = rows.size() > limit ? rows.subList(0, limit) : rows;
            WebhookEndpoint last = items.isEmpty() ? null : items.get(items.size() - 1);
            String next = rows.size() > limit ? Cursor.encode(last.createdAt().toString(), last.key()) : null;
            return new Page<>(items.stream().map(e -> EndpointView.of(e, now, null)).toList(), next);
        });
    }

    @GET
    @Path("{key}")
    @Operation(summary = "A webhook endpoint (its secrets are not shown; 'secrets' counts those signing now)")
    public Uni<EndpointView> get(@PathParam("key") String key) {
        Instant now = clock.instant();
        return pool.withConnection(sql -> endpoints.find(sql, key))
                .map(found -> EndpointView.of(found.orElseThrow(() -> notFound(key)), now, null));
    }

    @POST
    @Path("{key}/rotate-secret")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A new secret (shown only now); the previous one signs too until the overlap ends (ISO-8601, default PT24H, at most P7D)")
    public Uni<RotatedSecret> rotate(@PathParam("key") String key, @Valid Rotation body) {
        Duration overlap = config.rotationOverlap();
        if (body != null && body.overlap() != null) {
            try {
                overlap = Duration.parse(body.overlap().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw InvalidRequestException.field("overlap", "must be an ISO-8601 duration such as PT24H");
            }
            if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
                throw InvalidRequestException.field("overlap", "must be between PT0S and P7D");
            }
        }
        Instant now = clock.instant();
        Instant until = now.plus(overlap);
        String secret = WebhookSignature.newSecret();
        return pool.withTransaction(sql -> endpoints.find(sql, key).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(notFound(key));
            }
            return endpoints.rotate(sql, key, secret, until, now).replaceWith(new RotatedSecret(key, secret, until));
        }));
    }

    @DELETE
    @Path("{key}")
    @Operation(summary = "Remove a webhook endpoint; calls still due to it fail (to pause it, PUT enabled false)")
    public Uni<RestResponse<Void>> delete(@PathParam("key") String key) {
        return pool.withTransaction(sql -> endpoints.delete(sql, key)).map(removed -> {
            if (!removed) {
                throw notFound(key);
            }
            return RestResponse.noContent();
        });
    }

    private static void key(String key) {
        if (!KEY.matcher(key).matches()) {
            throw InvalidRequestException.field("path.key",
                    "must be 1 to 100 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
    }

    private static String url(String raw) {
        if (raw == null || raw.isBlank()) {
            throw InvalidRequestException.field("url", "is required: where calls go, such as https://partner.example/hooks");
        }
        List<Problem.Violation> violations = new ArrayList<>();
        String url = raw.strip();
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                violations.add(new Problem.Violation("url", "must be an absolute http or https URL, such as https://partner.example/hooks"));
            } else if (uri.getUserInfo() != null) {
                violations.add(new Problem.Violation("url", "must not carry a user name or password; calls are signed instead"));
            }
        } catch (URISyntaxException e) {
            violations.add(new Problem.Violation("url", "is not a URL: " + e.getReason()));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException("The webhook endpoint is not valid.", violations);
        }
        return url;
    }

    private static NotFoundException notFound(String key) {
        return new NotFoundException("No webhook endpoint " + key + ".");
    }
}

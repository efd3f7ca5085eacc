package io.touchpoint.gateway.delivery.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
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
import io.touchpoint.contracts.Roles;
import io.touchpoint.gateway.delivery.domain.Addresses;
import io.touchpoint.gateway.delivery.domain.SuppressionReason;
import io.touchpoint.gateway.delivery.store.SuppressionStore;
import io.touchpoint.gateway.recipient.domain.Channels;
import io.touchpoint.platform.api.Cursor;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The suppression list: addresses nothing is sent to (for {@code unsubscribed}: no marketing).
 * Bounces and complaints will add to it on their own; people add manual entries here.
 */
@CustomDeserialization(StrictBody.class)
@Path("/v1/suppressions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class SuppressionResource {

    private static final Set<String> CHANNELS = Set.of(Channels.EMAIL, Channels.SMS);

    @RegisterForReflection
    public record NewSuppression(@NotBlank @Size(max = 20) String channel, @NotBlank @Size(max = 320) String address,
            @Size(max = 20) String reason, @Size(max = 2000) String detail) {
    }

    @RegisterForReflection
    public record SuppressionView(String channel, String address, String reason, String detail, Instant createdAt) {
        static SuppressionView of(SuppressionStore.Entry e) {
            return new SuppressionView(e.channel(), e.address(), e.reason().code(), e.detail(), e.createdAt());
        }
    }

    private final Pool pool;
    private final SuppressionStore suppressions;
    private final Clock clock;

    SuppressionResource(Pool pool, SuppressionStore suppressions, Clock clock) {
        this.pool = pool;
        this.suppressions = suppressions;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Suppress an address on a channel (reason manual, unsubscribed, hard-bounce or complaint; default manual)")
    public Uni<RestResponse<SuppressionView>> add(@NotNull @Valid NewSuppression body) {
        String channel = channel(body.channel(), "channel");
        String address = Addresses.normalize(channel, body.address());
        if (!Addresses.valid(channel, address)) {
            throw InvalidRequestException.field("address", Channels.SMS.equals(channel)
                    ? "must be a phone number in E.164 form, such as +358401234567" : "must be an email address");
        }
        SuppressionReason reason;
        try {
            reason = body.reason() == null ? SuppressionReason.MANUAL : SuppressionReason.of(body.reason());
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.field("reason", "must be one of manual, unsubscribed, hard-bounce, complaint");
        }
        var entry = new SuppressionStore.Entry(channel, address, reason, body.detail(), clock.instant());
        return pool.withTransaction(sql -> suppressions.put(sql, entry)).map(saved -> RestResponse.ResponseBuilder
                .<SuppressionView>created(URI.create("/v1/suppressions/" + channel + "/" + saved.address()))
                .entity(SuppressionView.of(saved)).build());
    }

    @GET
    @Operation(summary = "List suppressed addresses by channel and address; pass nextCursor as cursor for the following page")
    public Uni<Page<SuppressionView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam(Page.CURSOR) String cursor) {
        List<String> after = cursor == null ? null : Cursor.decode(cursor, 2);
        return pool.withConnection(sql -> suppressions.page(sql, after == null ? null : after.get(0),
                after == null ? null : after.get(1), limit + 1)).map(rows -> {
                    List<SuppressionStore.Entry> items = rows.size() > limit ? rows.subList(0, limit) : rows;
                    SuppressionStore.Entry last = items.isEmpty() ? null : items.get(items.size() - 1);
                    String next = rows.size() > limit ? Cursor.encode(last.channel(), last.address()) : null;
                    return new Page<>(items.stream().map(SuppressionView::of).toList(), next);
                });
    }

    @GET
    @Path("{channel}/{address}")
    @Operation(summary = "Whether an address is suppressed, and why")
    public Uni<SuppressionView> get(@PathParam("channel") String channel, @PathParam("address") String address) {
        String ch = channel(channel, "path.channel");
        return pool.withConnection(sql -> suppressions.find(sql, ch, Addresses.normalize(ch, address)))
                .map(found -> found.map(SuppressionView::of)
                        .orElseThrow(() -> new NotFoundException("No suppression of " + address + " on " + ch + ".")));
    }

    @DELETE
    @Path("{channel}/{address}")
    @Operation(summary = "Lift a suppression")
    public Uni<RestResponse<Void>> remove(@PathParam("channel") String channel, @PathParam("address") String address) {
        String ch = channel(channel, "path.channel");
        return pool.withTransaction(sql -> suppressions.remove(sql, ch, Addresses.normalize(ch, address))).map(removed -> {
            if (!removed) {
                throw new NotFoundException("No suppression of " + address + " on " + ch + ".");
            }
            return RestResponse.noContent();
        });
    }

    private static String channel(String channel, String field) {
        if (!CHANNELS.contains(channel)) {
            throw InvalidRequestException.field(field, "must be one of " + String.join(", ", CHANNELS.stream().sorted().toList()));
        }
        return channel;
    }
}

package io.touchpoint.gateway.source.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.gateway.source.domain.Source;
import io.touchpoint.gateway.source.domain.WriteKeyAuthenticator;
import io.touchpoint.gateway.source.domain.WriteKeys;
import io.touchpoint.gateway.source.store.SourceStore;
import io.touchpoint.platform.api.Cursor;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;

/**
 * Sources and their write keys. A key is returned in full only by create and rotate-key; afterwards
 * only its prefix, because only its hash is kept.
 */
@CustomDeserialization(StrictBody.class)
@Path("/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@SecurityRequirement(name = "jwt")
public class SourceResource {

    @RegisterForReflection
    public record NewSource(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 2000) String description) {
    }

    /** Members left out stay as they are (JSON merge patch). */
    @RegisterForReflection
    public record SourceChanges(
            @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
            @Size(max = 2000) String description,
            Boolean enabled) {
    }

    @RegisterForReflection
    public record SourceView(
            String id,
            String name,
            String description,
            boolean enabled,
            String writeKeyPrefix,
            @JsonInclude(JsonInclude.Include.NON_NULL) String writeKey,
            Instant createdAt,
            Instant updatedAt,
            Instant keyRotatedAt) {

        static SourceView of(Source s, String writeKey) {
            return new SourceView(s.id, s.name, s.description, s.enabled, s.writeKeyPrefix, writeKey, s.createdAt,
                    s.updatedAt, s.keyRotatedAt);
        }
    }

    @Inject
    SourceStore sources;

    @Inject
    WriteKeyAuthenticator authenticator;

    @Inject
    Clock clock;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a source; the answer is the only time its write key is shown")
    public Uni<RestResponse<SourceView>> create(@NotNull @Valid NewSource body) {
        String writeKey = WriteKeys.generate();
        Instant now = clock.instant();
        Source source = new Source();
        source.id = UUID.randomUUID().toString();
        source.name = body.name().strip();
        source.description = body.description();
        source.writeKeyHash = WriteKeys.hash(writeKey);
        source.writeKeyPrefix = WriteKeys.displayPrefix(writeKey);
        source.enabled = true;
        source.createdAt = now;
        source.updatedAt = now;
        return Panache.withTransaction(() -> sources.persist(source))
                .map(created -> RestResponse.ResponseBuilder
                        .<SourceView>created(URI.create("/v1/sources/" + created.id))
                        .entity(SourceView.of(created, writeKey)).build());
    }

    @GET
    @WithSession
    @Operation(summary = "List sources, oldest first; pass nextCursor as cursor for the following page")
    public Uni<Page<SourceView>> list(@QueryParam(Page.LIMIT) @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam(Page.CURSOR) String cursor) {
        Uni<List<Source>> found;
        if (cursor == null) {
            found = sources.firstPage(limit + 1);
        } else {
            List<String> after = Cursor.decode(cursor, 2);
            Instant createdAt;
            try {
                createdAt = Instant.parse(after.get(0));
            } catch (java.time.format.DateTimeParseException e) {
                throw InvalidRequestException.field(Page.CURSOR, "is not a cursor this API returned");
            }
            found = sources.pageAfter(createdAt, after.get(1), limit + 1);
        }
        return found.map(rows -> {
            List<Source> items = rows.size() > limit ? rows.subList(0, limit) : rows;
            Source last = items.isEmpty() ? null : items.get(items.size() - 1);
            String next = rows.size() > limit ? Cursor.encode(last.createdAt.toString(), last.id) : null;
            return new Page<>(items.stream().map(s -> SourceView.of(s, null)).toList(), next);
        });
    }

    @GET
    @Path("{id}")
    @WithSession
    @Operation(summary = "One source, without its write key")
    public Uni<SourceView> get(@PathParam("id") String id) {
        return existing(id).map(s -> SourceView.of(s, null));
    }

    @POST
    @Path("{id}/rotate-key")
    @Operation(summary = "Replace the write key: the new one works at once, the old one stops working")
    public Uni<SourceView> rotateKey(@PathParam("id") String id) {
        String writeKey = WriteKeys.generate();
        return change(id, s -> {
            s.writeKeyHash = WriteKeys.hash(writeKey);
            s.writeKeyPrefix = WriteKeys.displayPrefix(writeKey);
            s.keyRotatedAt = clock.instant();
        }).map(s -> SourceView.of(s, writeKey));
    }

    @POST
    @Path("{id}/disable")
    @Operation(summary = "Refuse this source's calls from now on (401), keeping its key")
    public Uni<SourceView> disable(@PathParam("id") String id) {
        return change(id, s -> s.enabled = false).map(s -> SourceView.of(s, null));
    }

    @POST
    @Path("{id}/enable")
    @Operation(summary = "Accept this source's calls again")
    public Uni<SourceView> enable(@PathParam("id") String id) {
        return change(id, s -> s.enabled = true).map(s -> SourceView.of(s, null));
    }

    @PATCH
    @Path("{id}")
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    @Operation(summary = "Rename, describe, enable or disable a source")
    public Uni<SourceView> update(@PathParam("id") String id, @NotNull @Valid SourceChanges body) {
        return change(id, s -> {
            if (body.name() != null) {
                s.name = body.name().strip();
            }
            if (body.description() != null) {
                s.description = body.description();
            }
            if (body.enabled() != null) {
                s.enabled = body.enabled();
            }
        }).map(s -> SourceView.of(s, null));
    }

    /**
     * Applies the change in its own transaction and forgets the cached key only after the commit:
     * forgetting earlier would let a concurrent call cache the old state again.
     */
    private Uni<Source> change(String id, Consumer<Source> change) {
        List<String> keyHashes = new ArrayList<>(2);
        return Panache.withTransaction(() -> existing(id).invoke(s -> {
            keyHashes.add(s.writeKeyHash);
            change.accept(s);
            s.updatedAt = clock.instant();
            keyHashes.add(s.writeKeyHash);
        })).invoke(() -> keyHashes.forEach(authenticator::forget));
    }

    private Uni<Source> existing(String id) {
        return sources.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("No source " + id + "."));
    }
}

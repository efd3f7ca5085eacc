package io.touchpoint.profile.master.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.Roles;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;
import io.touchpoint.platform.api.Page;
import io.touchpoint.platform.api.StrictBody;
import io.touchpoint.profile.consent.domain.ConsentChange;
import io.touchpoint.profile.consent.domain.ConsentReader;
import io.touchpoint.profile.consent.store.ConsentStore;
import io.touchpoint.profile.erasure.domain.ProfileEraser;
import io.touchpoint.profile.identity.domain.Identifier;
import io.touchpoint.profile.master.domain.ProfileEditor;
import io.touchpoint.profile.master.store.ProfileStore;
import io.vertx.mutiny.sqlclient.Pool;

// Methods registered so QueryParameterFilter can read their query parameters in a native image too.
@RegisterForReflection(methods = true, fields = false)
@CustomDeserialization(StrictBody.class)
@Path("/v1/profiles")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.ADMIN, Roles.MARKETER })
@SecurityRequirement(name = "jwt")
public class ProfileResource {

    private static final int MAX_PAGE = 200;
    private static final int MAX_TRAIT_JSON = 64 * 1024;
    private static final Set<String> CHANNELS = Set.of("email", "sms", "push", "web", "in_app", "whatsapp", "direct_mail");

    @Inject
    ProfileReader reader;
    @Inject
    ProfileEditor editor;
    @Inject
    ProfileEraser eraser;
    @Inject
    ProfileStore profiles;
    @Inject
    ConsentStore consents;
    @Inject
    Pool pool;
    @Inject
    ObjectMapper mapper;

    private int traitSize(Object value) {
        try {
            return mapper.writeValueAsString(value).length();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw InvalidRequestException.field("traits", "must be JSON values");
        }
    }

    public record ConsentRequest(String channel, String topic, String status, Boolean transactional, Object proof) {
    }

    public record QuietHours(String start, String end) {
    }

    public record PreferencesRequest(List<String> channelOrder, String timeZone, String locale, QuietHours quietHours) {
    }

    public record ConsentOverview(List<ProfileView.ConsentView> current, List<ProfileView.ConsentView> history) {
    }

    public record ErasureAccepted(String erasureId, String status, String statusUrl) {
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A profile by its id (ids of profiles merged into it resolve too)")
    public Uni<ProfileView> get(@PathParam("id") String id) {
        return reader.byId(id).map(found(id));
    }

    @GET
    @Operation(summary = "The profile owning an identifier (userId, anonymousId, email, phone), or a page of profiles "
            + "filtered by traits: trait.<name>=<value>, cursor=<nextCursor>, limit<=200")
    @KnownQueryParameters(prefixes = "trait.")
    public Uni<Object> find(@QueryParam("userId") String userId, @QueryParam("anonymousId") String anonymousId,
            @QueryParam("email") String email, @QueryParam("phone") String phone, @QueryParam("cursor") String after,
            @QueryParam("limit") Integer limit, @Context UriInfo uri) {
        Optional<Identifier> identifier = userId != null ? Optional.of(new Identifier(Identifier.USER_ID, userId))
                : anonymousId != null ? Optional.of(new Identifier(Identifier.ANONYMOUS_ID, anonymousId))
                        : email != null ? Optional.of(new Identifier(Identifier.EMAIL, email.trim().toLowerCase(Locale.ROOT)))
                                : phone != null ? Optional.of(new Identifier(Identifier.PHONE, phone.replaceAll("[^0-9+]", "")))
                                        : Optional.empty();
        if (identifier.isPresent()) {
            Identifier id = identifier.get();
            return reader.byIdentifier(id).map(found(id.type() + " " + id.value())).map(v -> v);
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw InvalidRequestException.field("limit", "must be between 1 and " + MAX_PAGE);
        }
        Map<String, Object> filter = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((name, values) -> {
            if (name.startsWith("trait.") && name.length() > 6) {
                filter.put(name.substring(6), literal(values.get(0)));
            }
        });
        return reader.page(after, filter, size).map(p -> p);
    }

    @PATCH
    @Path("{id}/traits")
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    @Operation(summary = "Merge-patch traits: given traits are set, null removes one")
    public Uni<ProfileView> patchTraits(@PathParam("id") String id, Map<String, Object> traits, @Context SecurityContext who) {
        if (traits == null || traits.isEmpty()) {
            throw InvalidRequestException.field("body", "a JSON object with at least one trait is required");
        }
        traits.keySet().stream().filter(k -> k.isBlank() || k.length() > 200).findFirst().ifPresent(k -> {
            throw InvalidRequestException.field("traits." + k, "a trait name must have 1 to 200 characters");
        });
        // A profile travels whole in every change event; one that outgrew the broker's record limit
        // could never be published again. Tracked traits are bounded by the gateway's message limit.
        traits.entrySet().stream().filter(t -> traitSize(t.getValue()) > MAX_TRAIT_JSON).findFirst().ifPresent(t -> {
            throw InvalidRequestException.field("traits." + t.getKey(), "a trait's value must be at most "
                    + MAX_TRAIT_JSON / 1024 + " KB of JSON");
        });
        return editor.patchTraits(id, traits, source(who)).chain(done -> afterEdit(id, done));
    }

    @PUT
    @Path("{id}/preferences")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set channel preferences: channel order, time zone, locale, quiet hours")
    public Uni<ProfileView> setPreferences(@PathParam("id") String id, PreferencesRequest request, @Context SecurityContext who) {
        if (request == null) {
            throw InvalidRequestException.field("body", "a JSON object is required");
        }
        List<Problem.Violation> errors = new ArrayList<>();
        Map<String, Object> prefs = new LinkedHashMap<>();
        if (request.channelOrder() != null) {
            for (int i = 0; i < request.channelOrder().size(); i++) {
                if (!CHANNELS.contains(request.channelOrder().get(i))) {
                    errors.add(new Problem.Violation("channelOrder[" + i + "]", "must be one of " + CHANNELS));
                }
            }
            prefs.put("channelOrder", request.channelOrder());
        }
        if (request.timeZone() != null) {
            try {
                prefs.put("timeZone", ZoneId.of(request.timeZone()).getId());
            } catch (DateTimeException e) {
                errors.add(new Problem.Violation("timeZone", "is not an IANA time zone such as Europe/Helsinki"));
            }
        }
        if (request.locale() != null) {
            Locale locale = Locale.forLanguageTag(request.locale());
            if (locale.getLanguage().isEmpty()) {
                errors.add(new Problem.Violation("locale", "is not a BCP 47 language tag such as fi-FI"));
            }
            prefs.put("locale", locale.toLanguageTag());
        }
        if (request.quietHours() != null) {
            for (var field : Map.of("quietHours.start", String.valueOf(request.quietHours().start()), "quietHours.end",
                    String.valueOf(request.quietHours().end())).entrySet()) {
                try {
                    LocalTime.parse(field.getValue());
                } catch (DateTimeParseException e) {
                    errors.add(new Problem.Violation(field.getKey(), "must be a time HH:mm"));
                }
            }
            if (request.quietHours().start() != null && request.quietHours().end() != null) {
                prefs.put("quietHours", Map.of("start", request.quietHours().start(), "end", request.quietHours().end()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException("The preferences are not valid.", errors);
        }
        if (prefs.isEmpty()) {
            throw InvalidRequestException.field("body", "set at least one of channelOrder, timeZone, locale, quietHours");
        }
        return editor.setPreferences(id, prefs, source(who)).chain(done -> afterEdit(id, done));
    }

    @GET
    @Path("{id}/consent")
    @Operation(summary = "Current consent per channel and topic, and its full history")
    public Uni<ConsentOverview> consent(@PathParam("id") String id) {
        return pool.withConnection(sql -> profiles.resolveId(sql, id).map(found(id))
                .chain(pid -> consents.current(sql, pid).chain(current -> consents.history(sql, pid)
                        .map(history -> new ConsentOverview(current.stream().map(ProfileReader::consentView).toList(),
                                history.stream().map(ProfileReader::consentView).toList())))));
    }

    @PUT
    @Path("{id}/consent")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record a consent statement (granted, denied, withdrawn) for a channel and topic")
    public Uni<ConsentOverview> setConsent(@PathParam("id") String id, ConsentRequest request, @Context SecurityContext who) {
        if (request == null) {
            throw InvalidRequestException.field("body", "a JSON object is required");
        }
        List<Problem.Violation> errors = new ArrayList<>();
        if (request.channel() == null || !CHANNELS.contains(request.channel())) {
            errors.add(new Problem.Violation("channel", "must be one of " + CHANNELS));
        }
        ConsentState.Status status = ConsentReader.status(request.status());
        if (status == null) {
            errors.add(new Problem.Violation("status", "must be granted, denied or withdrawn"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException("The consent statement is not valid.", errors);
        }
        Map<String, Object> proof = new LinkedHashMap<>();
        if (request.proof() instanceof Map<?, ?> m) {
            m.forEach((k, v) -> proof.put(String.valueOf(k), v));
        } else if (request.proof() != null) {
            proof.put("text", String.valueOf(request.proof()));
        }
        proof.put("recordedBy", who.getUserPrincipal().getName());
        String topic = request.topic() == null || request.topic().isBlank() ? ConsentState.ANY_TOPIC
                : request.topic().toLowerCase(Locale.ROOT);
        ConsentChange change = new ConsentChange(request.channel(), topic, status, Boolean.TRUE.equals(request.transactional()),
                editor.now(), source(who), proof);
        return editor.setConsent(id, change).map(found(id)).chain(pid -> consent(pid));
    }

    @GET
    @Path("{id}/events")
    @Operation(summary = "The profile's event timeline, newest first; pass nextCursor as cursor= for the next page")
    public Uni<Page<ProfileStore.TimelineEntry>> timeline(@PathParam("id") String id,
            @QueryParam("cursor") String before, @QueryParam("limit") Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw InvalidRequestException.field("limit", "must be between 1 and " + MAX_PAGE);
        }
        Instant beforeAt = null;
        String beforeMessage = null;
        if (before != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(before), StandardCharsets.UTF_8).split("\n", 2);
                beforeAt = Instant.parse(parts[0]);
                beforeMessage = parts[1];
            } catch (RuntimeException e) {
                throw InvalidRequestException.field("cursor", "is not a cursor this API returned");
            }
        }
        Instant at = beforeAt;
        String message = beforeMessage;
        return pool.withConnection(sql -> profiles.resolveId(sql, id).map(found(id))
                .chain(pid -> profiles.timeline(sql, pid, at, message, size + 1)))
                .map(entries -> {
                    List<ProfileStore.TimelineEntry> items = entries.size() > size ? entries.subList(0, size) : entries;
                    String next = null;
                    if (entries.size() > size) {
                        var last = items.get(items.size() - 1);
                        next = Base64.getUrlEncoder().withoutPadding().encodeToString(
                                (last.timestamp() + "\n" + last.messageId()).getBytes(StandardCharsets.UTF_8));
                    }
                    return new Page<>(items, next);
                });
    }

    @GET
    @Path("{id}/export")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "GDPR export: everything held about the person, as JSON")
    public Uni<Map<String, Object>> export(@PathParam("id") String id) {
        return reader.export(id).map(found(id));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "GDPR erasure: deletes the profile here and tells every service; poll the returned status URL")
    public Uni<Response> erase(@PathParam("id") String id, @Context SecurityContext who) {
        return eraser.erase(id, who.getUserPrincipal().getName()).map(found(id)).map(jobId -> {
            String statusUrl = "/v1/erasures/" + jobId;
            return Response.accepted(new ErasureAccepted(jobId, "accepted", statusUrl)).location(URI.create(statusUrl)).build();
        });
    }

    private Uni<ProfileView> afterEdit(String id, Optional<String> done) {
        return done.isEmpty() ? Uni.createFrom().failure(new NotFoundException(notFound(id))) : get(done.get());
    }

    private static <T> Function<Optional<T>, T> found(String what) {
        return o -> o.orElseThrow(() -> new NotFoundException(notFound(what)));
    }

    private static String notFound(String what) {
        return "No profile " + what + ".";
    }

    private static String source(SecurityContext who) {
        return "api:" + who.getUserPrincipal().getName();
    }

    /** Trait filter values: JSON literals (numbers, booleans) when they parse as such, else strings. */
    private Object literal(String raw) {
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.parseBoolean(raw);
        }
        try {
            return raw.contains(".") ? (Object) Double.parseDouble(raw) : (Object) Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return raw;
        }
    }
}

package io.touchpoint.segmentation.membership.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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
import org.jboss.resteasy.reactive.ResponseHeader;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.Roles;
import io.touchpoint.platform.api.InvalidRequestException;
import io.touchpoint.platform.api.KnownQueryParameters;
import io.touchpoint.platform.api.StrictBody;
import io.touchpoint.segmentation.membership.store.MembershipCache;
import io.touchpoint.segmentation.membership.store.MembershipStore;
import io.touchpoint.segmentation.membership.store.SegmentSizes;
import io.touchpoint.segmentation.segment.store.SegmentStore;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads of a segment's membership: bulk is-member checks, the CSV export and sizes over time. Its
 * methods are registered so QueryParameterFilter can read their query parameters in a native image too.
 */
@RegisterForReflection(methods = true, fields = false)
@CustomDeserialization(StrictBody.class)
@Path("/v1/segments")
@SecurityRequirement(name = "jwt")
public class SegmentMembershipResource {

    static final int MAX_CHECK = 1000;
    static final int EXPORT_PAGE = 1000;
    static final int MAX_POINTS = 1000;
    static final String CSV = "text/csv";

    @RegisterForReflection
    public record CheckRequest(List<String> profileIds) {
    }

    @RegisterForReflection
    public record CheckResult(String segmentId, Map<String, Boolean> members) {
    }

    @RegisterForReflection
    public record SizePoint(Instant at, long size) {
    }

    @RegisterForReflection
    public record SizeHistory(String segmentId, String interval, Instant from, Instant to, long current,
            List<SizePoint> points) {
    }

    @Inject
    Pool pool;
    @Inject
    SegmentStore segments;
    @Inject
    MembershipStore memberships;
    @Inject
    MembershipCache cache;
    @Inject
    SegmentSizes sizes;
    @Inject
    Clock clock;

    @POST
    @Path("{id}/members/check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "Whether each of up to 1000 profiles is in the segment now (served from Redis when cached)")
    public Uni<CheckResult> check(@PathParam("id") String id, CheckRequest request) {
        List<String> ids = checkIds(request);
        return exists(id).chain(() -> cache.contains(id, ids, misses -> pool.withConnection(sql -> sql.preparedQuery(
                "SELECT profile_id, segment_id, entered_at FROM membership WHERE profile_id = ANY($1)")
                .execute(Tuple.of(misses.toArray(String[]::new))).map(rows -> {
                    Map<String, Map<String, Instant>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1),
                                r.getOffsetDateTime(2).toInstant());
                    }
                    return out;
                }))))
                .map(members -> new CheckResult(id, members));
    }

    @GET
    @Path("{id}/members.csv")
    @Produces(CSV)
    @ResponseHeader(name = "Content-Disposition", value = "attachment; filename=\"members.csv\"")
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "Every current member as CSV (profile_id, entered_at, email, phone), streamed in profile id order")
    public Multi<String> export(@PathParam("id") String id) {
        // Pages are read by key, one short query each, so an export of millions holds one page in
        // memory and no connection or transaction for its whole duration.
        AtomicReference<String> after = new AtomicReference<>();
        Multi<String> pages = Multi.createBy().repeating()
                .uni(() -> after, last -> pool.preparedQuery("""
                        SELECT m.profile_id, m.entered_at, p.traits->>'email', p.traits->>'phone'
                        FROM membership m LEFT JOIN profile_snapshot p ON p.profile_id = m.profile_id
                        WHERE m.segment_id = $1 AND ($2::text IS NULL OR m.profile_id > $2)
                        ORDER BY m.profile_id LIMIT $3""")
                        .execute(Tuple.of(id, last.get(), EXPORT_PAGE)).map(rows -> {
                            List<String> lines = new ArrayList<>();
                            for (Row r : rows) {
                                lines.add(csv(r.getString(0)) + "," + r.getOffsetDateTime(1).toInstant() + ","
                                        + csv(r.getString(2)) + "," + csv(r.getString(3)) + "\r\n");
                                last.set(r.getString(0));
                            }
                            return lines;
                        }))
                .whilst(lines -> lines.size() == EXPORT_PAGE)
                .filter(lines -> !lines.isEmpty())
                .map(lines -> String.join("", lines));
        return exists(id).onItem().transformToMulti(v -> Multi.createBy().concatenating()
                .streams(Multi.createFrom().item("profile_id,entered_at,email,phone\r\n"), pages));
    }

    @GET
    @Path("{id}/sizes")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.ADMIN, Roles.MARKETER, Roles.ANALYST })
    @Operation(summary = "The segment's size at each step (hour, day or week) from `from` to `to` (ISO dates or instants; last 30 days by default), from its history")
    @KnownQueryParameters
    public Uni<SizeHistory> sizes(@PathParam("id") String id, @QueryParam("from") String fromParam,
            @QueryParam("to") String toParam, @QueryParam("interval") @DefaultValue("day") String interval) {
        Duration step = switch (interval) {
            case "hour" -> Duration.ofHours(1);
            case "day" -> Duration.ofDays(1);
            case "week" -> Duration.ofDays(7);
            default -> throw InvalidRequestException.field("interval", "'" + interval + "' is not one of hour, day, week");
        };
        Instant now = clock.instant();
        Instant to = toParam == null ? now : instant("to", toParam);
        Instant from = fromParam == null ? to.minus(Duration.ofDays(30)) : instant("from", fromParam);
        if (from.isAfter(to)) {
            throw InvalidRequestException.field("from", "must not be after to");
        }
        if (Duration.between(from, to).dividedBy(step) >= MAX_POINTS) {
            throw InvalidRequestException.field("interval", "the range holds more than " + MAX_POINTS + " " + interval + "s");
        }
        return exists(id)
                .chain(() -> pool.preparedQuery("""
                        SELECT g.at, (SELECT count(*) FROM membership_history h
                                      WHERE h.segment_id = $1 AND h.entered_at <= g.at AND (h.exited_at IS NULL OR h.exited_at > g.at))
                        FROM generate_series($2::timestamptz, $3::timestamptz, make_interval(secs => $4)) AS g(at)
                        ORDER BY g.at""")
                        .execute(Tuple.of(id, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), (double) step.toSeconds())))
                .chain(rows -> {
                    List<SizePoint> points = new ArrayList<>();
                    rows.forEach(r -> points.add(new SizePoint(r.getOffsetDateTime(0).toInstant(), r.getLong(1))));
                    return sizes.size(id, () -> pool.withConnection(sql -> memberships.size(sql, id)))
                            .map(current -> new SizeHistory(id, interval, from, to, current, points));
                });
    }

    private Uni<Void> exists(String id) {
        return pool.withConnection(sql -> segments.find(sql, id, false)).invoke(found -> {
            if (found.isEmpty()) {
                throw new NotFoundException("No segment " + id + " exists.");
            }
        }).replaceWithVoid();
    }

    private static List<String> checkIds(CheckRequest request) {
        if (request == null || request.profileIds() == null || request.profileIds().isEmpty()) {
            throw InvalidRequestException.field("profileIds", "must list at least one profile id");
        }
        if (request.profileIds().size() > MAX_CHECK) {
            throw InvalidRequestException.field("profileIds", "must list at most " + MAX_CHECK + " profile ids");
        }
        for (int i = 0; i < request.profileIds().size(); i++) {
            String p = request.profileIds().get(i);
            if (p == null || p.isBlank()) {
                throw InvalidRequestException.field("profileIds[" + i + "]", "must be a non-blank profile id");
            }
        }
        return List.copyOf(new LinkedHashSet<>(request.profileIds()));
    }

    private static Instant instant(String field, String value) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw InvalidRequestException.field(field, "'" + value + "' is not an ISO date (2026-01-31) or instant (2026-01-31T00:00:00Z)");
        }
    }

    /** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
    static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}

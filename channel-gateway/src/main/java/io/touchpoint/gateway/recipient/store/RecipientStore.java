package io.touchpoint.gateway.recipient.store;

import static io.touchpoint.platform.store.Json.ts;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.touchpoint.contracts.events.ConsentState;
import io.touchpoint.gateway.recipient.domain.Recipient;
import io.touchpoint.platform.store.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

@ApplicationScoped
public class RecipientStore {

    private final Json json;

    RecipientStore(Json json) {
        this.json = json;
    }

    /**
     * Writes each recipient (one per profile) unless a newer version of it is already held, in
     * profile order; answers the profiles written. Set-based: a poll of changes is one statement
     * (each channel order travels as a JSON array, since unnest cannot take arrays of unequal length).
     */
    public Uni<Set<String>> upsertAll(SqlClient sql, List<Recipient> all, Instant now) {
        if (all.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<Recipient> rs = all.stream().sorted(Comparator.comparing(Recipient::profileId)).toList();
        return sql.preparedQuery("""
                INSERT INTO recipient (profile_id, version, email, phone, consents, channel_order, time_zone, locale,
                    quiet_start, quiet_end, traits, computed, updated_at)
                SELECT p, v, e, ph, c::jsonb, ARRAY(SELECT jsonb_array_elements_text(co::jsonb)), tz, l, qs, qe, t::jsonb, cm::jsonb, $13
                FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                    $9::time[], $10::time[], $11::text[], $12::text[]) WITH ORDINALITY AS u(p, v, e, ph, c, co, tz, l, qs, qe, t, cm, n)
                ORDER BY n
                ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version, email = excluded.email,
                    phone = excluded.phone, consents = excluded.consents, channel_order = excluded.channel_order,
                    time_zone = excluded.time_zone, locale = excluded.locale, quiet_start = excluded.quiet_start,
                    quiet_end = excluded.quiet_end, traits = excluded.traits, computed = excluded.computed,
                    updated_at = excluded.updated_at
                WHERE recipient.version < excluded.version
                RETURNING profile_id""")
                .execute(Tuple.from(Arrays.asList(
                        rs.stream().map(Recipient::profileId).toArray(String[]::new),
                        rs.stream().map(Recipient::version).toArray(Long[]::new),
                        rs.stream().map(Recipient::email).toArray(String[]::new),
                        rs.stream().map(Recipient::phone).toArray(String[]::new),
                        rs.stream().map(r -> json.write(r.consents())).toArray(String[]::new),
                        rs.stream().map(r -> json.write(r.channelOrder())).toArray(String[]::new),
                        rs.stream().map(r -> r.timeZone() == null ? null : r.timeZone().getId()).toArray(String[]::new),
                        rs.stream().map(Recipient::locale).toArray(String[]::new),
                        rs.stream().map(r -> r.quietHours() == null ? null : r.quietHours().start()).toArray(LocalTime[]::new),
                        rs.stream().map(r -> r.quietHours() == null ? null : r.quietHours().end()).toArray(LocalTime[]::new),
                        rs.stream().map(r -> json.write(r.traits())).toArray(String[]::new),
                        rs.stream().map(r -> json.write(r.computed())).toArray(String[]::new),
                        ts(now))))
                .map(rows -> {
                    Set<String> written = new HashSet<>();
                    rows.forEach(r -> written.add(r.getString(0)));
                    return written;
                });
    }

    public Uni<Optional<Recipient>> find(SqlClient sql, String profileId) {
        return sql.preparedQuery("""
                SELECT profile_id, version, email, phone, consents::text, channel_order, time_zone, locale, quiet_start,
                    quiet_end, traits::text, computed::text FROM recipient WHERE profile_id = $1""")
                .execute(Tuple.of(profileId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
    }

    /** Those of these profiles the projection holds, by profile id. */
    public Uni<Map<String, Recipient>> findAll(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("""
                SELECT profile_id, version, email, phone, consents::text, channel_order, time_zone, locale, quiet_start,
                    quiet_end, traits::text, computed::text FROM recipient WHERE profile_id = ANY($1)""")
                .execute(Tuple.of(profileIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Recipient> found = new HashMap<>();
                    rows.forEach(r -> found.put(r.getString(0), read(r)));
                    return found;
                });
    }

    /** A page of recipients in profile id order, after {@code afterId} (null: from the first). */
    public Uni<List<Recipient>> page(SqlClient sql, String afterId, int limit) {
        return sql.preparedQuery("""
                SELECT profile_id, version, email, phone, consents::text, channel_order, time_zone, locale, quiet_start,
                    quiet_end, traits::text, computed::text FROM recipient WHERE profile_id > $1 ORDER BY profile_id LIMIT $2""")
                .execute(Tuple.of(afterId == null ? "" : afterId, limit))
                .map(rows -> {
                    List<Recipient> page = new ArrayList<>();
                    rows.forEach(r -> page.add(read(r)));
                    return page;
                });
    }

    /** The recipients whose phone has these digits (the number without '+', blanks or dashes). */
    public Uni<List<Recipient>> findByPhoneDigits(SqlClient sql, String digits) {
        return sql.preparedQuery("""
                SELECT profile_id, version, email, phone, consents::text, channel_order, time_zone, locale, quiet_start,
                    quiet_end, traits::text, computed::text FROM recipient
                WHERE phone IS NOT NULL AND regexp_replace(phone, '[^0-9]', '', 'g') = $1""")
                .execute(Tuple.of(digits)).map(rows -> {
                    List<Recipient> found = new java.util.ArrayList<>();
                    rows.forEach(r -> found.add(read(r)));
                    return found;
                });
    }

    public Uni<Void> delete(SqlClient sql, List<String> profileIds) {
        return sql.preparedQuery("DELETE FROM recipient WHERE profile_id = ANY($1)")
                .execute(Tuple.of(profileIds.toArray(String[]::new))).replaceWithVoid();
    }

    private Recipient read(Row r) {
        LocalTime start = r.getLocalTime(8);
        LocalTime end = r.getLocalTime(9);
        String zone = r.getString(6);
        return new Recipient(r.getString(0), r.getLong(1), r.getString(2), r.getString(3),
                List.of(json.read(r.getString(4), ConsentState[].class)), List.of(r.getArrayOfStrings(5)),
                zone == null ? null : ZoneId.of(zone), r.getString(7),
                start == null || end == null ? null : new Recipient.QuietHours(start, end),
                json.map(r.getString(10)), json.map(r.getString(11)));
    }
}

package io.touchpoint.profile.master.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import io.touchpoint.contracts.events.Interaction;
import io.touchpoint.profile.config.ProfileConfig;

/**
 * Computed attributes that follow from single events. Every update is a sum, a minimum or a
 * maximum, so applying events in any order gives the same result; applying one twice is prevented
 * upstream by the (source, messageId) record. Windowed values (trailing 12 months) come from the
 * daily table at read time instead, because they change with the clock, not with events.
 */
public final class ComputedAttributes {

    public static final String EVENT_COUNT = "eventCount";
    public static final String ORDER_COUNT = "orderCount";
    /** Gross purchase value; lifetime value is net of returns. */
    public static final String REVENUE = "revenue";
    public static final String LIFETIME_VALUE = "lifetimeValue";
    public static final String RETURN_COUNT = "returnCount";
    public static final String RETURNED_VALUE = "returnedValue";
    public static final String FIRST_PURCHASE_AT = "firstPurchaseAt";
    public static final String LAST_PURCHASE_AT = "lastPurchaseAt";
    public static final String REGISTERED_AT = "registeredAt";
    public static final String BONUS_POINTS = "bonusPoints";
    public static final String BONUS_EARNED = "bonusPointsEarned";
    public static final String BONUS_REDEEMED = "bonusPointsRedeemed";
    public static final String TRAILING_12M_VALUE = "trailing12MonthValue";
    /** UTC date to the net amount that leaves the trailing 12-month value at its midnight. */
    public static final String TRAILING_12M_EXPIRING = "trailing12MonthValueExpiring";
    public static final String TENURE_DAYS = "tenureDays";
    /** The trailing window: the days after the date 365 days before today (UTC). */
    public static final int WINDOW_DAYS = 365;

    private final ProfileConfig.Events events;
    private final ProfileConfig.Bonus bonus;

    public ComputedAttributes(ProfileConfig config) {
        this.events = config.events();
        this.bonus = config.bonus();
    }

    /** The monetary value of an event: the first revenue property present, else zero. */
    public BigDecimal value(Interaction interaction) {
        Map<String, Object> props = interaction.properties();
        if (props == null) {
            return BigDecimal.ZERO;
        }
        for (String name : events.revenueProperties()) {
            Object raw = props.get(name);
            if (raw instanceof Number n) {
                return new BigDecimal(n.toString());
            }
            if (raw instanceof String s) {
                try {
                    return new BigDecimal(s.trim());
                } catch (NumberFormatException ignored) {
                    // not a number: try the next property
                }
            }
        }
        return BigDecimal.ZERO;
    }

    public boolean isPurchase(String event) {
        return event != null && events.purchase().contains(event);
    }

    public boolean isRefund(String event) {
        return event != null && events.refund().contains(event);
    }

    public void apply(ProfileState state, Interaction interaction) {
        Instant at = interaction.timestamp();
        state.seen(at);
        add(state, EVENT_COUNT, BigDecimal.ONE);
        CampaignTouches.apply(state, interaction);
        String event = interaction.event();
        if (!Interaction.TRACK.equals(interaction.type()) || event == null) {
            return;
        }
        BigDecimal value = value(interaction);
        if (isPurchase(event)) {
            add(state, ORDER_COUNT, BigDecimal.ONE);
            add(state, REVENUE, value);
            add(state, LIFETIME_VALUE, value);
            min(state, FIRST_PURCHASE_AT, at);
            max(state, LAST_PURCHASE_AT, at);
            Object group = interaction.properties() == null ? null : interaction.properties().get(bonus.priceGroupProperty());
            // Interactions without a price group are full price: only discounts opt out of points.
            if (group == null || bonus.fullPriceGroups().contains(String.valueOf(group))) {
                BigDecimal points = value.multiply(BigDecimal.valueOf(bonus.pointsPerUnit())).setScale(0, RoundingMode.FLOOR);
                add(state, BONUS_EARNED, points);
                add(state, BONUS_POINTS, points);
            }
        } else if (isRefund(event)) {
            add(state, RETURN_COUNT, BigDecimal.ONE);
            add(state, RETURNED_VALUE, value);
            add(state, LIFETIME_VALUE, value.negate());
        } else if (event.equals(bonus.redemptionEvent())) {
            Object raw = interaction.properties() == null ? null : interaction.properties().get(bonus.pointsProperty());
            if (raw instanceof Number n) {
                BigDecimal points = new BigDecimal(n.toString());
                add(state, BONUS_REDEEMED, points);
                add(state, BONUS_POINTS, points.negate());
            }
        }
        if (events.registration().contains(event)) {
            min(state, REGISTERED_AT, at);
        }
    }

    /**
     * Values that depend on the clock, computed for a read or a snapshot at {@code now} from the net
     * purchase value of each day in the trailing window. With the value goes when each day's amount
     * leaves the window (the UTC date 365 days after it, at midnight), so a reader of the published
     * profile, segmentation above all, can move the value on its own clock without asking again.
     */
    public void refreshTimeDependent(ProfileState state, SortedMap<LocalDate, BigDecimal> windowPerDay, Instant now) {
        BigDecimal trailing = BigDecimal.ZERO;
        Map<String, Object> expiring = new LinkedHashMap<>();
        for (Map.Entry<LocalDate, BigDecimal> day : windowPerDay.entrySet()) {
            trailing = trailing.add(day.getValue());
            expiring.put(day.getKey().plusDays(WINDOW_DAYS).toString(), number(day.getValue()));
        }
        state.putComputed(TRAILING_12M_VALUE, number(trailing));
        state.putComputed(TRAILING_12M_EXPIRING, expiring);
        Object registered = state.computed().get(REGISTERED_AT);
        if (registered instanceof String s) {
            long days = Duration.between(Instant.parse(s), now).toDays();
            state.putComputed(TENURE_DAYS, Math.max(0, days));
        }
    }

    /**
     * A merge: counts and values add up, first-times take the earlier, last-times the later.
     * The loser's events were counted on the loser only, so nothing is counted twice.
     */
    public void mergeInto(ProfileState survivor, ProfileState loser) {
        for (String sum : List.of(EVENT_COUNT, ORDER_COUNT, REVENUE, LIFETIME_VALUE, RETURN_COUNT, RETURNED_VALUE, BONUS_POINTS,
                BONUS_EARNED, BONUS_REDEEMED)) {
            if (loser.computed().get(sum) instanceof Number n) {
                add(survivor, sum, new BigDecimal(n.toString()));
            }
        }
        for (String first : List.of(FIRST_PURCHASE_AT, REGISTERED_AT)) {
            if (loser.computed().get(first) instanceof String s) {
                min(survivor, first, Instant.parse(s));
            }
        }
        if (loser.computed().get(LAST_PURCHASE_AT) instanceof String s) {
            max(survivor, LAST_PURCHASE_AT, Instant.parse(s));
        }
        CampaignTouches.mergeInto(survivor, loser);
        if (loser.firstSeen() != null) {
            survivor.seen(loser.firstSeen());
        }
        if (loser.lastSeen() != null) {
            survivor.seen(loser.lastSeen());
        }
        loser.traitMeta().forEach((name, meta) -> {
            if (name.startsWith("preferences.")) {
                String pref = name.substring("preferences.".length());
                survivor.setPreference(pref, loser.preferences().get(pref), meta.at(), meta.source());
            } else {
                survivor.setTrait(name, loser.traits().get(name), meta.at(), meta.source());
            }
        });
    }

    /** The purchase and refund event names, for the trailing-window query. */
    public List<String> purchaseEvents() {
        return List.copyOf(events.purchase());
    }

    public List<String> refundEvents() {
        return List.copyOf(events.refund());
    }

    private static void add(ProfileState state, String name, BigDecimal delta) {
        Object current = state.computed().get(name);
        BigDecimal base = current instanceof Number n ? new BigDecimal(n.toString()) : BigDecimal.ZERO;
        state.putComputed(name, number(base.add(delta)));
    }

    /** Whole amounts stay integers in JSON; others become doubles (the JSON number Jackson reads back). */
    static Object number(BigDecimal value) {
        return value.stripTrailingZeros().scale() <= 0 ? (Object) value.longValue() : (Object) value.doubleValue();
    }

    private static void min(ProfileState state, String name, Instant at) {
        Object current = state.computed().get(name);
        if (!(current instanceof String s) || at.isBefore(Instant.parse(s))) {
            state.putComputed(name, at.toString());
        }
    }

    private static void max(ProfileState state, String name, Instant at) {
        Object current = state.computed().get(name);
        if (!(current instanceof String s) || at.isAfter(Instant.parse(s))) {
            state.putComputed(name, at.toString());
        }
    }
}

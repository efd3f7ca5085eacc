package io.touchpoint.analytics.cohort.domain;

import java.util.Locale;
import java.util.Optional;

import io.touchpoint.analytics.time.domain.TimeGrid;

/**
 * Retention: profiles grouped by the week or month (in the reader's zone) of their registration or
 * first purchase (the grid's periods are the cohorts), and for each the number of them who did the
 * activity event in period 0, 1, ... {@code periods − 1} after: calendar periods (the anchor's own
 * week or month is period 0) or rolling ones (period k starts k weeks or months after each profile's
 * own anchor, in local time). Activity before the anchor does not count.
 */
public record CohortQuery(Anchor anchor, TimeGrid cohorts, String activityEvent, Periods kind, int periods) {

    public enum Anchor {
        REGISTRATION("registered_at"), FIRST_PURCHASE("first_purchase_at");

        private final String column;

        Anchor(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Anchor> parse(String text) {
            for (Anchor a : values()) {
                if (a.text().equals(text)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public enum Periods {
        CALENDAR, ROLLING;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Periods> parse(String text) {
            for (Periods p : values()) {
                if (p.text().equals(text)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }
}

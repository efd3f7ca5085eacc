package io.touchpoint.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Segment-format messages for a few thousand synthetic users: about 10% identify, 70% track
 * (Bet Placed, Order Completed, Product Viewed) and 20% page, with an SDK-like context. Every
 * messageId carries the run id, so a second run is never answered from the gateway's dedupe cache.
 */
final class SyntheticEvents {

    private static final String[] PLANS = {"bronze", "silver", "gold"};
    private static final String[] MARKETS = {"football", "tennis", "basketball", "horse-racing"};
    private static final String[] PAGES = {"Home", "Product", "Category", "Checkout", "Account"};
    private static final String CONTEXT = "{\"library\":{\"name\":\"touchpoint-benchmark\",\"version\":\"0.1.0\"},"
            + "\"locale\":\"de-DE\",\"timezone\":\"Europe/Berlin\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) "
            + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\"}";

    private final String runId;
    private final int users;
    private final SplittableRandom random;
    private long sequence;

    SyntheticEvents(String runId, int users, long seed) {
        this.runId = runId;
        this.users = users;
        this.random = new SplittableRandom(seed);
    }

    /** {@code count} bodies of {@code {"batch":[...]}} with {@code size} messages each. */
    List<byte[]> batches(int count, int size) {
        List<byte[]> bodies = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            StringBuilder json = new StringBuilder(size * 520).append("{\"batch\":[");
            for (int m = 0; m < size; m++) {
                if (m > 0) {
                    json.append(',');
                }
                message(json, pickType());
            }
            bodies.add(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** {@code count} single-message bodies for {@code POST /v1/track}. */
    List<byte[]> tracks(int count) {
        List<byte[]> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder json = new StringBuilder(520);
            message(json, "track");
            bodies.add(json.toString().getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    private String pickType() {
        int roll = random.nextInt(100);
        return roll < 10 ? "identify" : roll < 80 ? "track" : "page";
    }

    private void message(StringBuilder json, String type) {
        int user = random.nextInt(users);
        json.append("{\"type\":\"").append(type).append("\",\"userId\":\"bench-user-").append(user).append('"');
        if (random.nextBoolean()) {
            // The user's own device: the same profile whichever identifier arrives first.
            json.append(",\"anonymousId\":\"bench-device-").append(user).append('"');
        }
        switch (type) {
            case "identify" -> json.append(",\"traits\":{\"email\":\"bench-user-").append(user)
                    .append("@bench.example\",\"name\":\"Bench User ").append(user).append("\",\"plan\":\"")
                    .append(PLANS[user % PLANS.length]).append("\",\"country\":\"DE\"}");
            case "page" -> {
                String page = PAGES[random.nextInt(PAGES.length)];
                json.append(",\"name\":\"").append(page).append("\",\"properties\":{\"url\":\"https://shop.example/")
                        .append(page.toLowerCase()).append("/").append(random.nextInt(10_000))
                        .append("\",\"path\":\"/").append(page.toLowerCase()).append("\",\"title\":\"")
                        .append(page).append(" | Bench Shop\",\"referrer\":\"https://www.example.com/\"}");
            }
            default -> {
                int kind = random.nextInt(10);
                if (kind < 5) {
                    json.append(",\"event\":\"Bet Placed\",\"properties\":{\"stake\":").append(1 + random.nextInt(100))
                            .append(",\"currency\":\"EUR\",\"market\":\"").append(MARKETS[random.nextInt(MARKETS.length)])
                            .append("\",\"odds\":").append(1 + random.nextInt(900) / 100.0).append('}');
                } else if (kind < 7) {
                    json.append(",\"event\":\"Order Completed\",\"properties\":{\"orderId\":\"o-").append(sequence)
                            .append("\",\"revenue\":").append(5 + random.nextInt(20_000) / 100.0)
                            .append(",\"currency\":\"EUR\",\"products\":").append(1 + random.nextInt(5)).append('}');
                } else {
                    json.append(",\"event\":\"Product Viewed\",\"properties\":{\"productId\":\"p-")
                            .append(random.nextInt(2_000)).append("\",\"price\":").append(random.nextInt(20_000) / 100.0)
                            .append(",\"category\":\"shoes\"}");
                }
            }
        }
        json.append(",\"context\":").append(CONTEXT)
                .append(",\"timestamp\":\"").append(Instant.now()).append('"')
                .append(",\"messageId\":\"bench-").append(runId).append('-').append(sequence++).append("\"}");
    }
}

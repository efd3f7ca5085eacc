package io.touchpoint.analytics.report.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.RestMulti;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * CSV answers (RFC 4180, CRLF): streamed in chunks of lines, with the report's {@code asOf} and
 * freshness in the {@code Touchpoint-As-Of} and {@code Touchpoint-Freshness-Seconds} headers (a CSV
 * body has nowhere else for them).
 */
public final class Csv {

    public static final String MEDIA_TYPE = "text/csv";
    /** What a CSV route produces: below JSON's server quality, so a client that accepts anything gets JSON. */
    public static final String PRODUCES = "text/csv;qs=0.5";
    public static final String AS_OF_HEADER = "Touchpoint-As-Of";
    public static final String FRESHNESS_HEADER = "Touchpoint-Freshness-Seconds";
    private static final int CHUNK = 500;

    /** A table: its header line and its rows, each a list of cells. */
    public record Table(Freshness freshness, List<String> header, List<List<Object>> rows) {
    }

    private Csv() {
    }

    public static RestMulti<String> stream(Uni<Table> table) {
        return RestMulti.fromUniResponse(table, Csv::lines, t -> {
            Map<String, List<String>> headers = new java.util.HashMap<>();
            headers.put("Content-Type", List.of(MEDIA_TYPE + "; charset=UTF-8"));
            if (t.freshness().asOf() != null) {
                headers.put(AS_OF_HEADER, List.of(t.freshness().asOf().toString()));
                headers.put(FRESHNESS_HEADER, List.of(java.math.BigDecimal.valueOf(t.freshness().freshnessSeconds()).toPlainString()));
            }
            return headers;
        });
    }

    private static Multi<String> lines(Table t) {
        List<String> chunks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder(line(new ArrayList<>(t.header())));
        int n = 0;
        for (List<Object> row : t.rows()) {
            chunk.append(line(row));
            if (++n % CHUNK == 0) {
                chunks.add(chunk.toString());
                chunk.setLength(0);
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk.toString());
        }
        return Multi.createFrom().iterable(chunks);
    }

    static String line(List<?> cells) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        return out.append("\r\n").toString();
    }

    /** A field holding a comma, quote or line break is quoted, its quotes doubled; null is empty. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}

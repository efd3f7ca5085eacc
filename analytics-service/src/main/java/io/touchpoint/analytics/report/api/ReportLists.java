package io.touchpoint.analytics.report.api;

import java.util.LinkedHashSet;
import java.util.List;

import io.touchpoint.platform.api.InvalidRequestException;

/** Comma-separated list parameters ({@code segmentIds=a,b,c}). */
public final class ReportLists {

    private ReportLists() {
    }

    public static List<String> ids(String field, String text, int min, int max) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        if (out.size() < min) {
            throw InvalidRequestException.field(field, min == 1 ? "is required (comma-separated ids)" : "must name at least " + min);
        }
        if (out.size() > max) {
            throw InvalidRequestException.field(field, "names more than " + max);
        }
        return List.copyOf(out);
    }
}

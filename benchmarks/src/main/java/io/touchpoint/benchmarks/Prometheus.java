package io.touchpoint.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of a service's {@code /q/metrics}: series (name with labels) to value. */
record Prometheus(Map<String, Double> series) {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Prometheus scrape(String baseUrl) {
        Map<String, Double> series = new LinkedHashMap<>();
        try {
            String text = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "text/plain").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                try {
                    series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException e) {
                    // not a sample
                }
            }
        } catch (Exception e) {
            // Metrics are diagnostics only: an empty scrape gives NaN figures.
        }
        return new Prometheus(series);
    }

    /** Sum of every series of {@code name} whose labels contain each of {@code labels}. */
    double sum(String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (var entry : series.entrySet()) {
            String key = entry.getKey();
            if (!(key.equals(name) || key.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= key.contains(label);
            }
            if (all && !entry.getValue().isNaN()) {
                total += entry.getValue();
                found = true;
            }
        }
        return found ? total : Double.NaN;
    }

    double delta(Prometheus before, String name, String... labels) {
        return sum(name, labels) - before.sum(name, labels);
    }
}

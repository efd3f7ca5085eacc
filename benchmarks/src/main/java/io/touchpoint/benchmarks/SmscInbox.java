package io.touchpoint.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * SMS as the handsets got them: what the devstack's SMSC took, read from its HTTP window
 * ({@code GET /messages?to=+358...}, one call per number; segments already put back together, a
 * message only once all its segments came). A message names its request by the text the benchmark's
 * template gives it ({@link #REFERENCE} and the request id): the gateway's submit_sm carries nothing
 * of the delivery, so the text is the only mark that survives a crash between the SMSC's answer and
 * the ledger's record of its message id.
 */
final class SmscInbox implements Inbox {

    /** What comes right before the request id in the text of the benchmark's SMS template. */
    static final String REFERENCE = "Ref ";

    private static final Pattern REQUEST = Pattern.compile(Pattern.quote(REFERENCE)
            + "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SmscInbox(String host, int httpPort) {
        this.base = "http://" + host + ":" + httpPort;
    }

    @Override
    public String client() {
        return "the SMSC's HTTP window, `GET /messages?to=<number>`";
    }

    @Override
    public List<Received> read(Collection<String> addresses, boolean purge, int threads) throws Exception {
        if (purge) {
            // The devstack's SMSC keeps what it took for as long as it runs; it has no delete.
            throw new UnsupportedOperationException("the devstack's SMSC cannot delete messages");
        }
        List<Received> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (String number : addresses) {
                work.add(pool.submit(() -> {
                    all.addAll(box(number));
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return all;
    }

    private List<Received> box(String number) throws Exception {
        // URLEncoder writes the '+' as %2B, which the SMSC decodes back to '+'.
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/messages?to=" + URLEncoder.encode(number, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /messages?to=" + number + " answered " + response.statusCode() + " " + response.body());
        }
        List<Received> found = new ArrayList<>();
        for (JsonNode m : JSON.readTree(response.body()).path("messages")) {
            String text = m.path("text").asText("");
            found.add(new Received(m.path("to").asText(number), null, requestId(text), text,
                    text.getBytes(StandardCharsets.UTF_8).length));
        }
        return found;
    }

    /** The request id the text names after {@link #REFERENCE}; null when it names none. */
    static String requestId(String text) {
        Matcher m = REQUEST.matcher(text);
        return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : null;
    }
}

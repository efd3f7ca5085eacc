package io.touchpoint.devstack.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

/**
 * A bounded, seeded fuzzer for an HTTP API on the real stack. Given operations (method, path
 * template with {@code {name}} placeholders and an optional query, a valid sample body, headers such
 * as a bearer token or write key), it sends {@code requests} requests, each a valid request with one
 * to three mutations (or none, one time in ten): path ids with NUL ({@code %00}), lone surrogates
 * ({@code %ED%A0%80}), overlong, {@code ..}, unicode; query values likewise; bodies with NUL and lone
 * surrogates in strings and member names, huge numbers, deep nesting, wrong types, truncated or
 * random bytes, invalid UTF-8, oversize bodies; wrong, missing or bad content types, encodings,
 * accept headers and credentials; other methods. Operations take turns, so each gets its share.
 *
 * <p>It collects every answer that is a server error (status 500 and up, or no answer at all) or an
 * error that is not RFC 9457 problem+json (a 4xx whose content type is not
 * {@code application/problem+json}, whose body is not a JSON object, or whose {@code status} member
 * differs from the HTTP status), each with the request that caused it, for the test to assert on.
 * Which requests are sent depends only on the seed, never on the answers, so a seed reproduces a
 * run; {@link #seedOr} lets {@code -Dtouchpoint.fuzz.seed} override a test's fixed seed.
 *
 * <pre>{@code
 * RequestFuzzer.Report report = RequestFuzzer.against(baseUri)
 *         .operations(RequestFuzzer.operationsFromOpenApi(baseUri, Map.of("Authorization", admin)))
 *         .seed(RequestFuzzer.seedOr(20260101L)).requests(RequestFuzzer.requestsOr(300)).run();
 * assertTrue(report.clean(), report.describe());
 * }</pre>
 *
 * Percent-encoding that is itself malformed ({@code %zz}) and raw control characters in headers are
 * not sent: the JDK client refuses to.
 */
public final class RequestFuzzer {

    /** The system property that overrides a test's seed, to replay a run. */
    public static final String SEED_PROPERTY = "touchpoint.fuzz.seed";
    /** The system property that overrides a test's number of requests, e.g. for a longer local run. */
    public static final String REQUESTS_PROPERTY = "touchpoint.fuzz.requests";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JSON.getNodeFactory();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}/]+)}");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    /**
     * One operation of the API.
     *
     * @param method     GET, POST, PUT, PATCH or DELETE
     * @param path       the path template, e.g. {@code /v1/segments/{id}/members?limit=100}; placeholders
     *                   and query values are sent as written (percent-encode them yourself)
     * @param body       a valid JSON body, or null for none
     * @param headers    sent with every request of the operation (unless a mutation drops or spoils them)
     * @param pathValues the valid value of each placeholder (percent-encoded); a placeholder without
     *                   one gets a made-up id
     */
    public record Operation(String method, String path, String body, Map<String, String> headers,
            Map<String, String> pathValues) {

        public Operation {
            method = method.toUpperCase(Locale.ROOT);
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            pathValues = Collections.unmodifiableMap(new LinkedHashMap<>(pathValues));
        }

        public static Operation of(String method, String path) {
            return new Operation(method, path, null, Map.of(), Map.of());
        }

        public Operation withBody(String json) {
            return new Operation(method, path, json, headers, pathValues);
        }

        public Operation withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Operation(method, path, body, more, pathValues);
        }

        public Operation withHeaders(Map<String, String> more) {
            Operation operation = this;
            for (Map.Entry<String, String> header : more.entrySet()) {
                operation = operation.withHeader(header.getKey(), header.getValue());
            }
            return operation;
        }

        public Operation withPathValue(String placeholder, String value) {
            Map<String, String> more = new LinkedHashMap<>(pathValues);
            more.put(placeholder, value);
            return new Operation(method, path, body, headers, more);
        }

        /** {@code METHOD /path/{template}} without the query: how operations are told apart. */
        public String key() {
            int query = path.indexOf('?');
            return method + " " + (query < 0 ? path : path.substring(0, query));
        }

        List<String> placeholders() {
            List<String> names = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(path);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        @Override
        public String toString() {
            return key();
        }
    }

    /** A request as it was sent: which operation, which mutations, and every byte of it that matters. */
    public record Request(int number, String operation, List<String> mutations, String method, String target,
            Map<String, String> headers, byte[] body) {

        public String describe() {
            StringBuilder out = new StringBuilder().append('#').append(number).append(' ').append(method).append(' ')
                    .append(target).append("  (").append(operation).append("; ")
                    .append(mutations.isEmpty() ? "unmutated" : String.join(" + ", mutations)).append(')');
            headers.forEach((name, value) -> out.append("\n    ").append(name).append(": ").append(excerpt(value, 120)));
            if (body != null) {
                out.append("\n    body (").append(body.length).append(" bytes): ").append(excerpt(body, 300));
            }
            return out.toString();
        }
    }

    /**
     * An answer the API should not have given.
     *
     * @param status the HTTP status, or 0 when no answer came (the exception is in {@code why})
     */
    public record Finding(Request request, int status, String contentType, String body, String why) {

        public String describe() {
            return why + ": " + (status == 0 ? "no answer" : status + " " + contentType) + "\n  " + request.describe()
                    + (body == null || body.isEmpty() ? "" : "\n    answer: " + excerpt(body, 300));
        }
    }

    /** Findings listed one line each per group, at most. */
    static final int MAX_LISTED = 60;

    /** What a run sent and what it found. */
    public record Report(String name, long seed, int sent, int unsendable, Map<Integer, Integer> statuses,
            Map<String, Integer> perOperation, List<Finding> findings, Duration took) {

        public boolean clean() {
            return findings.isEmpty();
        }

        /** One line: the seed, how many requests, how long, and the answers by status. */
        public String summary() {
            return String.format(Locale.ROOT, "%s: seed %d, %d requests in %.1f s (%d not sendable), statuses %s, "
                    + "%d findings", name, seed, sent, took.toMillis() / 1000.0, unsendable, statuses, findings.size());
        }

        /**
         * The summary, then the findings grouped by operation, mutations and status (how many, and the
         * first request of each group in full), then how to replay the run.
         */
        public String describe() {
            StringBuilder out = new StringBuilder(summary());
            Map<String, List<Finding>> groups = new LinkedHashMap<>();
            for (Finding finding : findings) {
                groups.computeIfAbsent(finding.request().operation() + " | "
                        + String.join(" + ", finding.request().mutations()) + " | " + finding.status(),
                        k -> new ArrayList<>()).add(finding);
            }
            groups.forEach((group, list) -> {
                out.append("\n\n").append(list.size()).append(" x [").append(group).append("], first:\n")
                        .append(list.get(0).describe());
                if (list.size() > 1) {
                    out.append("\n  all of them:");
                    list.stream().limit(MAX_LISTED).forEach(f -> out.append("\n    #").append(f.request().number())
                            .append(' ').append(f.request().method()).append(' ')
                            .append(excerpt(f.request().target(), 160)).append(" -> ").append(f.status()));
                    if (list.size() > MAX_LISTED) {
                        out.append("\n    ... and ").append(list.size() - MAX_LISTED).append(" more");
                    }
                }
            });
            if (!findings.isEmpty()) {
                out.append("\n\nreplay with -D").append(SEED_PROPERTY).append('=').append(seed);
            }
            return out.toString();
        }
    }

    /** The seed to use: {@code -Dtouchpoint.fuzz.seed} when given, else the test's fixed one. */
    public static long seedOr(long fixed) {
        String given = System.getProperty(SEED_PROPERTY);
        return given == null || given.isBlank() ? fixed : Long.parseLong(given.strip());
    }

    /** How many requests: {@code -Dtouchpoint.fuzz.requests} when given, else the test's own bound. */
    public static int requestsOr(int fixed) {
        String given = System.getProperty(REQUESTS_PROPERTY);
        return given == null || given.isBlank() ? fixed : Integer.parseInt(given.strip());
    }

    public static RequestFuzzer against(URI base) {
        return new RequestFuzzer(base);
    }

    private final URI base;
    private List<Operation> operations = List.of();
    private long seed = 1;
    private int requests = 100;
    private Duration timeout = Duration.ofSeconds(30);
    private int oversizeBytes = 1024 * 1024;
    private String name = "RequestFuzzer";
    private PrintStream log = System.out;

    private RequestFuzzer(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    public RequestFuzzer operations(List<Operation> operations) {
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("no operations to fuzz");
        }
        this.operations = List.copyOf(operations);
        return this;
    }

    public RequestFuzzer seed(long seed) {
        this.seed = seed;
        return this;
    }

    public RequestFuzzer requests(int requests) {
        this.requests = requests;
        return this;
    }

    /** How long one request may take before it counts as unanswered (30 s). */
    public RequestFuzzer timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** The least size of an oversize body (1 MiB); they go up to twice that. Keep it under the HTTP layer's limit. */
    public RequestFuzzer oversizeBytes(int bytes) {
        this.oversizeBytes = bytes;
        return this;
    }

    /** What the run is called in its log lines and report, e.g. the test's name. */
    public RequestFuzzer name(String name) {
        this.name = name;
        return this;
    }

    public RequestFuzzer log(PrintStream log) {
        this.log = log;
        return this;
    }

    /** Sends the requests one after the other and reports what it found. */
    public Report run() {
        Random random = new Random(seed);
        log.printf(Locale.ROOT, "%s: seed %d (replay with -D%s=%d), %d requests over %d operations against %s%n", name,
                seed, SEED_PROPERTY, seed, requests, operations.size(), base);
        log.println(name + ": operations " + operations.stream().map(Operation::key).toList());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> perOperation = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        int unsendable = 0;
        long started = System.nanoTime();
        for (int n = 0; n < requests; n++) {
            Operation operation = operations.get(n % operations.size());
            Request request = next(random, n);
            HttpRequest http;
            try {
                http = toHttp(request);
            } catch (IllegalArgumentException e) {
                // The JDK client will not send it (a header value it refuses, say): nothing to learn.
                unsendable++;
                continue;
            }
            perOperation.merge(operation.key(), 1, Integer::sum);
            Answer answer = send(client, http, request);
            statuses.merge(answer.status(), 1, Integer::sum);
            if (answer.finding() != null) {
                findings.add(answer.finding());
            }
        }
        Report report = new Report(name, seed, requests - unsendable, unsendable, statuses, perOperation,
                List.copyOf(findings), Duration.ofNanos(System.nanoTime() - started));
        log.println(report.describe());
        return report;
    }

    /** The request numbered {@code n}: the operation whose turn it is, mutated with the run's random numbers. */
    Request next(Random random, int n) {
        return new Draft(operations.get(n % operations.size()), random, oversizeBytes).mutate(n);
    }

    private record Answer(int status, Finding finding) {
    }

    private HttpRequest toHttp(Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.target())).timeout(timeout)
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(builder::header);
        return builder.build();
    }

    private Answer send(HttpClient client, HttpRequest http, Request request) {
        HttpResponse<byte[]> response;
        try {
            response = client.send(http, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            return new Answer(0, new Finding(request, 0, null, null, "no answer within " + timeout));
        } catch (IOException e) {
            return new Answer(0, new Finding(request, 0, null, null, "the connection failed: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fuzzing", e);
        }
        return new Answer(response.statusCode(), judge(request, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body()));
    }

    /** Null when the answer is acceptable, else what is wrong with it. */
    static Finding judge(Request request, int status, String contentType, byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        if (status >= 500) {
            return new Finding(request, status, contentType, text, "server error");
        }
        if (status < 400 || request.method().equals("HEAD")) {
            return null;
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            return new Finding(request, status, contentType, text, "error without application/problem+json");
        }
        JsonNode problem;
        try {
            problem = JSON.readTree(body);
        } catch (IOException e) {
            problem = null;
        }
        if (problem == null || !problem.isObject()) {
            return new Finding(request, status, contentType, text, "problem+json body that is not a JSON object");
        }
        if (problem.has("status") && problem.get("status").asInt() != status) {
            return new Finding(request, status, contentType, text, "problem+json whose status is not the HTTP status");
        }
        return null;
    }

    // ---------------------------------------------------------------- mutations

    /** Path ids, raw (already percent-encoded), that services must answer with a 4xx at worst. */
    static final List<String> NASTY_IDS = List.of("%00", "a%00b", "%00%00%00", "00000000-0000-0000-0000-000000000000%00",
            "%ED%A0%80", "x%ED%B0%80", "%ED%A0%80%ED%B0%80", "%C0%80", "%FF", "%C3%28", "%F4%90%80%80", "..", "%2E%2E",
            ".", "..%2F..%2Fetc%2Fpasswd", "%2F", "%5C", "%20", "%09", "%0A", "%E2%80%AE", "%F0%9F%98%80",
            "%E4%B8%AD%E6%96%87", "%EF%BB%BF", "%EF%BF%BF", "e%CC%81", "-1", "0", "99999999999999999999999999",
            "1e309", "%27%20OR%20%271%27%3D%271", "%25s%25n", "%22%3E%3Cscript%3E", "null", "*", "%7B%7D");

    /** JSON texts for a number where the API expects anything: exact, out of range, or not JSON at all. */
    static final List<String> HUGE_NUMBERS = List.of("1e999999", "-1e999999", "1e-999999", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901234567890123456789012345678901234567890", "-0", "0e0",
            "4.9e-325", "1.7976931348623157e309", "NaN", "Infinity", "-Infinity", "0x10", "01", "+1", ".5", "1.",
            "1e");

    static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=fuzz", "application/json; charset=utf-16", "application/json; charset=bogus",
            "application/merge-patch+json", "application/octet-stream", "*/*", "", ";;", "application/json;;;",
            "image/png", "application/vnd.api+json", "text/json; charset=latin1");

    static final List<String> ACCEPTS = List.of("application/xml", "text/csv", "text/plain", "*/*", "image/*",
            "application/json;q=0", "", "application/problem+json", "text/html, */*;q=0.1");

    static final List<String> UNICODE = List.of("\u202Eevil", "\uFEFF", "\u200B", "e\u0301", "\uD83D\uDE00",
            "\uFFFF", "\uFFFE", "\u4E2D\u6587", "\u0085", "\u2028\u2029", "\u0001\u001F\u007F", "\t\r\n",
            "\\u0000 as text", "%00", "'; DROP TABLE x; --", "${jndi:ldap://x}", "{{7*7}}");

    private enum Mutation {
        PATH_ID, PATH_SHAPE, QUERY, METHOD,
        NUL_IN_STRING, SURROGATE_IN_STRING, NUL_IN_NAME, SURROGATE_IN_NAME, UNICODE_STRING, HUGE_NUMBER, DEEP_NESTING,
        WRONG_TYPE, DROP_MEMBER, NULL_MEMBER, EXTRA_MEMBER, LONG_STRING, NOT_AN_OBJECT,
        TRUNCATED, RANDOM_BYTES, FLIPPED_BYTES, RAW_NUL, RAW_SURROGATE, OVERLONG_NUL, INVALID_UTF8, BOM, UTF16,
        EMPTY_BODY, OVERSIZE, TRAILING_GARBAGE, BODY_ON_BODILESS,
        CONTENT_TYPE, NO_CONTENT_TYPE, CONTENT_ENCODING, ACCEPT, DROP_HEADER, SPOIL_HEADER, ODD_HEADER;

        boolean tree() {
            return ordinal() >= NUL_IN_STRING.ordinal() && ordinal() <= NOT_AN_OBJECT.ordinal();
        }

        boolean bytes() {
            return ordinal() >= TRUNCATED.ordinal() && ordinal() <= BODY_ON_BODILESS.ordinal();
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One request being made from an operation: mutations change it, then it is frozen into a {@link Request}. */
    private static final class Draft {

        private final Operation operation;
        private final Random random;
        private final int oversizeBytes;
        private final List<String> applied = new ArrayList<>();
        private String method;
        private final Map<String, String> values = new LinkedHashMap<>();
        private String pathTemplate;
        private final List<String[]> query = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private JsonNode tree;
        private byte[] body;
        /** Whether a byte mutation changed the body since it was written from the tree. */
        private boolean bytesChanged;

        Draft(Operation operation, Random random, int oversizeBytes) {
            this.operation = operation;
            this.random = random;
            this.oversizeBytes = oversizeBytes;
            this.method = operation.method();
            int q = operation.path().indexOf('?');
            this.pathTemplate = q < 0 ? operation.path() : operation.path().substring(0, q);
            if (q >= 0) {
                for (String pair : operation.path().substring(q + 1).split("&")) {
                    if (!pair.isEmpty()) {
                        int eq = pair.indexOf('=');
                        query.add(eq < 0 ? new String[] { pair, "" } : new String[] { pair.substring(0, eq),
                                pair.substring(eq + 1) });
                    }
                }
            }
            for (String placeholder : operation.placeholders()) {
                values.put(placeholder, operation.pathValues().getOrDefault(placeholder,
                        "fuzz-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE)));
            }
            headers.putAll(operation.headers());
            if (operation.body() != null) {
                if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
                    headers.put("Content-Type", "application/json");
                }
                try {
                    tree = JSON.readTree(operation.body());
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("the sample body of " + operation + " is not JSON", e);
                }
            }
        }

        Request mutate(int number) {
            List<Mutation> applicable = new ArrayList<>();
            for (Mutation m : Mutation.values()) {
                if (applies(m)) {
                    applicable.add(m);
                }
            }
            // One in ten requests goes out as it is: the baseline every mutation is measured against.
            int count = random.nextInt(10) == 0 ? 0 : 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
            List<Mutation> chosen = new ArrayList<>();
            for (int i = 0; i < count && !applicable.isEmpty(); i++) {
                chosen.add(applicable.remove(random.nextInt(applicable.size())));
            }
            // The sample's tree is changed first, then written out, then its bytes and the rest.
            chosen.sort(null);
            for (Mutation m : chosen) {
                if (m.tree()) {
                    apply(m);
                }
            }
            writeBody();
            for (Mutation m : chosen) {
                if (!m.tree()) {
                    apply(m);
                }
            }
            return new Request(number, operation.key(), List.copyOf(applied), method, target(),
                    Collections.unmodifiableMap(new LinkedHashMap<>(headers)), body);
        }

        private boolean applies(Mutation m) {
            if (m.tree()) {
                return tree != null;
            }
            return switch (m) {
                case PATH_ID -> !values.isEmpty();
                case BODY_ON_BODILESS -> operation.body() == null;
                case TRUNCATED, FLIPPED_BYTES, RAW_NUL, RAW_SURROGATE, OVERLONG_NUL, INVALID_UTF8, BOM, UTF16,
                        TRAILING_GARBAGE, EMPTY_BODY -> operation.body() != null;
                case DROP_HEADER, SPOIL_HEADER -> !operation.headers().isEmpty();
                default -> true;
            };
        }

        private void writeBody() {
            if (tree != null) {
                try {
                    body = JSON.writeValueAsBytes(tree);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        private void apply(Mutation m) {
            String detail = switch (m) {
                case PATH_ID -> {
                    String placeholder = pick(new ArrayList<>(values.keySet()));
                    String nasty = random.nextInt(8) == 0 ? "a".repeat(300 + random.nextInt(2700)) : pick(NASTY_IDS);
                    values.put(placeholder, nasty);
                    yield placeholder + "=" + excerpt(nasty, 40);
                }
                case PATH_SHAPE -> pathShape();
                case QUERY -> query();
                case METHOD -> {
                    List<String> others = new ArrayList<>(METHODS);
                    others.remove(method);
                    method = pick(others);
                    yield method;
                }
                case NUL_IN_STRING -> intoString("\u0000");
                case SURROGATE_IN_STRING -> intoString(random.nextBoolean() ? "\uD800" : "\uDFFF");
                case NUL_IN_NAME -> intoName("\u0000");
                case SURROGATE_IN_NAME -> intoName(random.nextBoolean() ? "\uDBFF" : "\uDC00");
                case UNICODE_STRING -> intoString(pick(UNICODE));
                case HUGE_NUMBER -> {
                    String number = pick(HUGE_NUMBERS);
                    replaceNode(NODES.rawValueNode(new RawValue(number)));
                    yield number;
                }
                case DEEP_NESTING -> {
                    int depth = 200 + random.nextInt(4800);
                    String open = random.nextBoolean() ? "[" : "{\"a\":";
                    String close = open.equals("[") ? "]" : "}";
                    replaceNode(NODES.rawValueNode(new RawValue(open.repeat(depth) + "1" + close.repeat(depth))));
                    yield "depth " + depth;
                }
                case WRONG_TYPE -> {
                    List<JsonNode> others = List.of(NODES.textNode("fuzz"), NODES.numberNode(7), NODES.numberNode(2.5),
                            NODES.booleanNode(true), NODES.nullNode(), NODES.objectNode(),
                            NODES.arrayNode().add(1).add("a"), NODES.objectNode().put("a", 1));
                    JsonNode replacement = pick(others);
                    replaceNode(replacement);
                    yield replacement.toString();
                }
                case DROP_MEMBER -> dropMember();
                case NULL_MEMBER -> {
                    replaceNode(NODES.nullNode());
                    yield "";
                }
                case EXTRA_MEMBER -> {
                    if (tree instanceof ObjectNode object) {
                        object.put("fuzz" + random.nextInt(100), pick(UNICODE));
                    }
                    yield "";
                }
                case LONG_STRING -> {
                    int length = 1024 * (16 + random.nextInt(112));
                    replaceNode(NODES.textNode("x".repeat(length)));
                    yield length + " chars";
                }
                case NOT_AN_OBJECT -> {
                    tree = pick(List.of(NODES.textNode("fuzz"), NODES.numberNode(1), NODES.nullNode(),
                            NODES.arrayNode(), NODES.arrayNode().add(tree), NODES.booleanNode(false)));
                    yield tree.getNodeType().name().toLowerCase(Locale.ROOT);
                }
                case TRUNCATED -> {
                    int at = random.nextInt(Math.max(1, body.length));
                    body = java.util.Arrays.copyOf(body, at);
                    yield "at " + at;
                }
                case RANDOM_BYTES -> {
                    body = new byte[1 + random.nextInt(4096)];
                    random.nextBytes(body);
                    yield body.length + " bytes";
                }
                case FLIPPED_BYTES -> {
                    int flips = 1 + random.nextInt(5);
                    for (int i = 0; i < flips && body.length > 0; i++) {
                        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                    }
                    yield flips + " bytes";
                }
                case RAW_NUL -> insertIntoText(new byte[] { 0 });
                case RAW_SURROGATE -> insertIntoText(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 });
                case OVERLONG_NUL -> insertIntoText(new byte[] { (byte) 0xC0, (byte) 0x80 });
                case INVALID_UTF8 -> insertIntoText(pick(List.of(new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xC3, 0x28 },
                        new byte[] { (byte) 0xE2, (byte) 0x82 }, new byte[] { (byte) 0xF8, (byte) 0x88, (byte) 0x80,
                                (byte) 0x80, (byte) 0x80 })));
                case BOM -> {
                    body = concat(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, body);
                    yield "";
                }
                case UTF16 -> {
                    boolean little = random.nextBoolean();
                    body = new String(body, StandardCharsets.UTF_8)
                            .getBytes(little ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
                    yield little ? "LE" : "BE";
                }
                case EMPTY_BODY -> {
                    body = new byte[0];
                    yield "";
                }
                case OVERSIZE -> {
                    int size = oversizeBytes + random.nextInt(Math.max(1, oversizeBytes));
                    String pad = "y".repeat(size);
                    if (body == null) {
                        body = ("{\"padding\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
                    } else if (!bytesChanged && tree instanceof ObjectNode object) {
                        body = writeWith(object, "padding", pad);
                    } else {
                        body = concat(body, " ".repeat(size).getBytes(StandardCharsets.UTF_8));
                    }
                    yield size + " bytes";
                }
                case TRAILING_GARBAGE -> {
                    String garbage = pick(List.of("}", "]", "{}", " x", "\u0000", "," + new String(body,
                            StandardCharsets.UTF_8)));
                    body = concat(body, garbage.getBytes(StandardCharsets.UTF_8));
                    yield excerpt(garbage, 10);
                }
                case BODY_ON_BODILESS -> {
                    body = pick(List.of("{\"a\":1}", "not json", "\u0000", "[]")).getBytes(StandardCharsets.UTF_8);
                    headers.putIfAbsent("Content-Type", "application/json");
                    yield "";
                }
                case CONTENT_TYPE -> {
                    String type = pick(CONTENT_TYPES);
                    setHeader("Content-Type", type);
                    yield type;
                }
                case NO_CONTENT_TYPE -> {
                    headers.keySet().removeIf(h -> h.equalsIgnoreCase("Content-Type"));
                    yield "";
                }
                case CONTENT_ENCODING -> {
                    String encoding = pick(List.of("gzip", "gzip", "deflate", "br", "x-fuzz", "gzip, gzip", "identity"));
                    setHeader("Content-Encoding", encoding);
                    if (encoding.equals("gzip") && body != null && random.nextBoolean()) {
                        body = gzip(body);
                        yield "gzip, compressed";
                    }
                    yield encoding;
                }
                case ACCEPT -> {
                    String accept = pick(ACCEPTS);
                    setHeader("Accept", accept);
                    yield accept;
                }
                case DROP_HEADER -> {
                    String header = pick(new ArrayList<>(operation.headers().keySet()));
                    headers.remove(header);
                    yield header;
                }
                case SPOIL_HEADER -> {
                    String header = pick(new ArrayList<>(operation.headers().keySet()));
                    String spoiled = spoil(header, operation.headers().get(header));
                    headers.put(header, spoiled);
                    yield header;
                }
                case ODD_HEADER -> {
                    String[] odd = pick(List.of(new String[] { "X-Forwarded-For", "::::, ," },
                            new String[] { "X-Forwarded-For", "a".repeat(1000) }, new String[] { "X-Forwarded-For", "" },
                            new String[] { "Origin", "null" }, new String[] { "Accept-Language", "*;q=x" },
                            new String[] { "If-None-Match", "\"" }, new String[] { "Range", "bytes=9-1" },
                            new String[] { "X-Request-Id", "%00" }, new String[] { "Cookie", "a=" + "b".repeat(500) }));
                    headers.put(odd[0], odd[1]);
                    yield odd[0];
                }
            };
            applied.add(detail == null || detail.isEmpty() ? m.label() : m.label() + "(" + detail + ")");
            bytesChanged |= m.bytes();
        }

        private String pathShape() {
            String shape = pick(List.of("trailing-slash", "double-slash", "dot-segment", "encoded-dots", "extra-segment",
                    "nul-segment", "matrix", "upper-case"));
            switch (shape) {
                case "trailing-slash" -> pathTemplate = pathTemplate + "/";
                case "double-slash" -> pathTemplate = pathTemplate.replaceFirst("/", "//");
                case "dot-segment" -> pathTemplate = pathTemplate + "/..";
                case "encoded-dots" -> pathTemplate = pathTemplate + "/%2e%2e/%2e%2e";
                case "extra-segment" -> pathTemplate = pathTemplate + "/fuzz";
                case "nul-segment" -> pathTemplate = pathTemplate + "/%00";
                case "matrix" -> pathTemplate = pathTemplate + ";fuzz=1";
                default -> {
                    // The literal segments only: the placeholders keep their names, so their values still apply.
                    Matcher m = PLACEHOLDER.matcher(pathTemplate);
                    StringBuilder upper = new StringBuilder();
                    int from = 0;
                    while (m.find()) {
                        upper.append(pathTemplate.substring(from, m.start()).toUpperCase(Locale.ROOT)).append(m.group());
                        from = m.end();
                    }
                    pathTemplate = upper.append(pathTemplate.substring(from).toUpperCase(Locale.ROOT)).toString();
                }
            }
            return shape;
        }

        private String query() {
            int choice = random.nextInt(4);
            String nasty = random.nextInt(6) == 0 ? "9".repeat(40) : pick(NASTY_IDS);
            if (query.isEmpty() || choice == 0) {
                query.add(new String[] { "fuzz", nasty });
                return "fuzz=" + nasty;
            }
            String[] param = query.get(random.nextInt(query.size()));
            switch (choice) {
                case 1 -> {
                    param[1] = nasty;
                    return param[0] + "=" + nasty;
                }
                case 2 -> {
                    query.remove(param);
                    return "without " + param[0];
                }
                default -> {
                    query.add(new String[] { param[0], nasty });
                    return param[0] + " twice";
                }
            }
        }

        private String target() {
            Matcher m = PLACEHOLDER.matcher(pathTemplate);
            StringBuilder path = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(path, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "fuzz")));
            }
            m.appendTail(path);
            for (int i = 0; i < query.size(); i++) {
                path.append(i == 0 ? '?' : '&').append(query.get(i)[0]).append('=').append(query.get(i)[1]);
            }
            return path.toString();
        }

        private void setHeader(String name, String value) {
            headers.keySet().removeIf(h -> h.equalsIgnoreCase(name));
            headers.put(name, value);
        }

        private String spoil(String header, String value) {
            List<String> spoiled = new ArrayList<>(List.of("", "x", value + "x", value.substring(0, value.length() / 2),
                    value + value, " " + value + " "));
            if (header.equalsIgnoreCase("Authorization")) {
                spoiled.addAll(List.of("Bearer", "Bearer ", "Bearer x.y.z", "Bearer " + "a".repeat(4000), "Basic !!!",
                        "Basic " + b64("no-such-key:"), "Basic " + b64(":"), "Basic " + b64("\u0000:"),
                        "Basic " + b64("\uD800:"), "Basic", "Digest x", "bearer " + value.replaceFirst("(?i)^bearer ", ""),
                        value.replaceFirst("(?i)^(bearer|basic) ", "$1  ")));
            }
            return pick(spoiled);
        }

        /** The nodes a mutation may replace: every member value and array element (not the root). */
        private List<Object[]> slots() {
            List<Object[]> slots = new ArrayList<>();
            collect(tree, slots);
            return slots;
        }

        private static void collect(JsonNode node, List<Object[]> slots) {
            if (node instanceof ObjectNode object) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    slots.add(new Object[] { object, name });
                    collect(object.get(name), slots);
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    slots.add(new Object[] { array, i });
                    collect(array.get(i), slots);
                }
            }
        }

        private void replaceNode(JsonNode replacement) {
            List<Object[]> slots = slots();
            if (slots.isEmpty()) {
                if (tree instanceof ObjectNode object) {
                    object.set("fuzz", replacement);
                } else {
                    tree = replacement;
                }
                return;
            }
            Object[] slot = pick(slots);
            if (slot[0] instanceof ObjectNode object) {
                object.set((String) slot[1], replacement);
            } else {
                ((ArrayNode) slot[0]).set((Integer) slot[1], replacement);
            }
        }

        private String dropMember() {
            List<Object[]> members = slots().stream().filter(s -> s[0] instanceof ObjectNode).toList();
            if (members.isEmpty()) {
                return "none";
            }
            Object[] slot = pick(members);
            ((ObjectNode) slot[0]).remove((String) slot[1]);
            return (String) slot[1];
        }

        /** Puts the text into a random string value (or a new member when there is none), at a random place. */
        private String intoString(String inserted) {
            List<Object[]> strings = slots().stream().filter(s -> node(s).isTextual()).toList();
            if (strings.isEmpty()) {
                replaceNode(NODES.textNode("fuzz" + inserted));
                return "new value";
            }
            Object[] slot = pick(strings);
            String text = node(slot).textValue();
            int at = random.nextInt(text.length() + 1);
            JsonNode changed = NODES.textNode(text.substring(0, at) + inserted + text.substring(at));
            if (slot[0] instanceof ObjectNode object) {
                object.set((String) slot[1], changed);
            } else {
                ((ArrayNode) slot[0]).set((Integer) slot[1], changed);
            }
            return String.valueOf(slot[1]);
        }

        /** Renames a random member to hold the text (or adds one so named when there is none). */
        private String intoName(String inserted) {
            List<Object[]> members = slots().stream().filter(s -> s[0] instanceof ObjectNode).toList();
            ObjectNode target;
            String name;
            if (members.isEmpty()) {
                if (!(tree instanceof ObjectNode root)) {
                    return "none";
                }
                target = root;
                name = "fuzz";
                target.put(name, "fuzz");
            } else {
                Object[] slot = pick(members);
                target = (ObjectNode) slot[0];
                name = (String) slot[1];
            }
            int at = random.nextInt(name.length() + 1);
            String renamed = name.substring(0, at) + inserted + name.substring(at);
            // Rebuild the object to keep the member where it was.
            Map<String, JsonNode> members2 = new LinkedHashMap<>();
            target.properties().forEach(e -> members2.put(e.getKey().equals(name) ? renamed : e.getKey(), e.getValue()));
            target.removeAll();
            members2.forEach(target::set);
            return name;
        }

        private static JsonNode node(Object[] slot) {
            return slot[0] instanceof ObjectNode object ? object.get((String) slot[1])
                    : ((ArrayNode) slot[0]).get((Integer) slot[1]);
        }

        /** Inserts raw bytes just inside a string of the body (after a quote), or anywhere when there is none. */
        private String insertIntoText(byte[] inserted) {
            List<Integer> quotes = new ArrayList<>();
            for (int i = 0; i < body.length; i++) {
                if (body[i] == '"') {
                    quotes.add(i + 1);
                }
            }
            int at = quotes.isEmpty() ? random.nextInt(body.length + 1) : pick(quotes);
            byte[] changed = new byte[body.length + inserted.length];
            System.arraycopy(body, 0, changed, 0, at);
            System.arraycopy(inserted, 0, changed, at, inserted.length);
            System.arraycopy(body, at, changed, at + inserted.length, body.length - at);
            body = changed;
            return "at " + at;
        }

        private static byte[] writeWith(ObjectNode object, String name, String value) {
            ObjectNode copy = object.deepCopy();
            copy.put(name, value);
            try {
                return JSON.writeValueAsBytes(copy);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Printable: control characters, surrogates and non-ASCII as escapes, cut to {@code max} characters. */
    static String excerpt(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return text.length() > max ? out.append("...(").append(text.length()).append(" chars)").toString()
                : out.toString();
    }

    /** Printable bytes: UTF-8 where it decodes, {@code \xNN} where it does not. */
    static String excerpt(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes.length && out.length() < max; i++) {
            int b = bytes[i] & 0xFF;
            out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return bytes.length > max ? out.append("...").toString() : out.toString();
    }

    // ---------------------------------------------------------------- OpenAPI

    /**
     * Every operation the service's OpenAPI document ({@code /q/openapi?format=json}) lists, with a
     * sample body made from its request schema, sample query values, the content type it consumes,
     * and the given headers (a bearer token, say). Give better samples or real ids with
     * {@link #replaceBody} and {@link Operation#withPathValue}.
     */
    public static List<Operation> operationsFromOpenApi(URI base, Map<String, String> headers) {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        JsonNode document;
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(root + "/q/openapi?format=json")).header("Accept", "application/json")
                            .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /q/openapi answered " + response.statusCode());
            }
            document = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI document of " + base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return operationsFromOpenApi(document, headers);
    }

    /** As {@link #operationsFromOpenApi(URI, Map)}, from a document already read. */
    public static List<Operation> operationsFromOpenApi(JsonNode document, Map<String, String> headers) {
        JsonNode schemas = document.path("components").path("schemas");
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (String method : List.of("get", "post", "put", "patch", "delete")) {
                JsonNode op = path.getValue().get(method);
                if (op == null) {
                    continue;
                }
                StringBuilder template = new StringBuilder(path.getKey());
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                op.path("parameters").forEach(parameters::add);
                char separator = '?';
                for (JsonNode parameter : parameters) {
                    if ("query".equals(parameter.path("in").asText())) {
                        JsonNode value = sample(parameter.get("schema"), schemas, 0);
                        template.append(separator).append(parameter.path("name").asText()).append('=')
                                .append(java.net.URLEncoder.encode(value.isTextual() ? value.textValue() : value.toString(),
                                        StandardCharsets.UTF_8));
                        separator = '&';
                    }
                }
                Operation operation = Operation.of(method, template.toString()).withHeaders(headers);
                JsonNode content = op.path("requestBody").path("content");
                if (content.isObject() && content.size() > 0) {
                    String mediaType = content.has("application/json") ? "application/json" : content.fieldNames().next();
                    JsonNode schema = content.path(mediaType).get("schema");
                    operation = operation.withBody(sample(schema, schemas, 0).toString());
                    if (!mediaType.contains("*")) {
                        operation = operation.withHeader("Content-Type", mediaType);
                    }
                }
                operations.add(operation);
            }
        }
        return operations;
    }

    /** The operations with the body of the one with this key ({@code POST /v1/segments}) replaced. */
    public static List<Operation> replaceBody(List<Operation> operations, String key, String body) {
        boolean found = false;
        List<Operation> replaced = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.key().equals(key)) {
                found = true;
                replaced.add(operation.withBody(body));
            } else {
                replaced.add(operation);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no operation " + key + " among " + operations);
        }
        return replaced;
    }

    /** A value that fits the schema: its example or default, else the simplest value of its type. */
    static JsonNode sample(JsonNode schema, JsonNode schemas, int depth) {
        if (schema == null || depth > 8) {
            return NODES.nullNode();
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return sample(schemas.get(ref.substring(ref.lastIndexOf('/') + 1)), schemas, depth + 1);
        }
        if (schema.has("example")) {
            return schema.get("example");
        }
        if (schema.has("examples") && schema.get("examples").isArray() && schema.get("examples").size() > 0) {
            return schema.get("examples").get(0);
        }
        if (schema.has("default")) {
            return schema.get("default");
        }
        if (schema.has("enum") && schema.get("enum").size() > 0) {
            return schema.get("enum").get(0);
        }
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            if (schema.has(combinator) && schema.get(combinator).size() > 0) {
                if (combinator.equals("allOf")) {
                    ObjectNode merged = NODES.objectNode();
                    for (JsonNode part : schema.get(combinator)) {
                        JsonNode value = sample(part, schemas, depth + 1);
                        if (value instanceof ObjectNode object) {
                            merged.setAll(object);
                        } else if (schema.get(combinator).size() == 1) {
                            return value;
                        }
                    }
                    return merged;
                }
                return sample(schema.get(combinator).get(0), schemas, depth + 1);
            }
        }
        String type = schema.path("type").isArray() ? firstNonNull(schema.get("type")) : schema.path("type").asText("");
        if (type.isEmpty()) {
            type = schema.has("properties") || schema.has("additionalProperties") ? "object"
                    : schema.has("items") ? "array" : "";
        }
        switch (type) {
            case "string" -> {
                String text = switch (schema.path("format").asText("")) {
                    case "date-time" -> "2030-01-01T00:00:00Z";
                    case "date" -> "2030-01-01";
                    case "uuid" -> "00000000-0000-4000-8000-000000000000";
                    case "email" -> "fuzz@example.com";
                    case "uri", "url" -> "https://example.com/";
                    case "duration" -> "PT1S";
                    default -> "fuzz";
                };
                int min = schema.path("minLength").asInt(0);
                return NODES.textNode(text.length() >= min ? text : text + "x".repeat(min - text.length()));
            }
            case "integer" -> {
                return NODES.numberNode(schema.has("minimum") ? schema.get("minimum").asLong() : 1);
            }
            case "number" -> {
                return schema.has("minimum") ? NODES.numberNode(new BigDecimal(schema.get("minimum").asText()))
                        : NODES.numberNode(1.5);
            }
            case "boolean" -> {
                return NODES.booleanNode(true);
            }
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = Math.max(1, schema.path("minItems").asInt(1)); i > 0; i--) {
                    array.add(sample(schema.get("items"), schemas, depth + 1));
                }
                return array;
            }
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                    if (!property.getValue().path("readOnly").asBoolean(false)) {
                        object.set(property.getKey(), sample(property.getValue(), schemas, depth + 1));
                    }
                }
                JsonNode additional = schema.get("additionalProperties");
                if (object.isEmpty() && additional != null && !additional.isBoolean()) {
                    JsonNode value = sample(additional, schemas, depth + 1);
                    object.set("fuzz", value.isNull() ? NODES.textNode("fuzz") : value);
                } else if (object.isEmpty() && additional != null && additional.asBoolean()) {
                    object.put("fuzz", "fuzz");
                }
                return object;
            }
            default -> {
                return NODES.textNode("fuzz");
            }
        }
    }

    private static String firstNonNull(JsonNode types) {
        for (JsonNode type : types) {
            if (!"null".equals(type.asText())) {
                return type.asText();
            }
        }
        return "";
    }
}

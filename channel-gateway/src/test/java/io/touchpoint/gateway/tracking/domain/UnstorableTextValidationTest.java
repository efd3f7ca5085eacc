package io.touchpoint.gateway.tracking.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.touchpoint.contracts.Problem;
import io.touchpoint.contracts.events.Interaction;

/**
 * A message holding NUL or an unpaired surrogate anywhere it would publish is refused, each such
 * field named by its JSON path, as other faults of a message are: alone for a single call, per
 * message in a batch, the whole call for a batch envelope.
 */
class UnstorableTextValidationTest {

    private static final Instant NOW = Instant.parse("2031-01-01T00:00:00Z");

    private final ObjectMapper mapper = new ObjectMapper();
    private final TrackingRequestParser parser = new TrackingRequestParser(mapper);
    private final MessageValidator validator = new MessageValidator(mapper);

    private MessageValidator.Outcome single(MessageType type, String json) {
        TrackingRequest request = parser.parse(json.getBytes(StandardCharsets.UTF_8), type);
        return validator.validate(request.items().get(0), -1, type, envelope(request));
    }

    private List<MessageValidator.Outcome> batch(String json) {
        TrackingRequest request = parser.parse(json.getBytes(StandardCharsets.UTF_8), null);
        var envelope = envelope(request);
        return java.util.stream.IntStream.range(0, request.items().size())
                .mapToObj(i -> validator.validate(request.items().get(i), i, null, envelope)).toList();
    }

    private static MessageValidator.Envelope envelope(TrackingRequest request) {
        return new MessageValidator.Envelope("src-1", NOW, "127.0.0.1", request.sentAt(), request.context(),
                request.integrations());
    }

    private static List<Problem.Violation> violations(MessageValidator.Outcome outcome) {
        return assertInstanceOf(MessageValidator.Rejected.class, outcome).violations();
    }

    private static List<String> fields(MessageValidator.Outcome outcome) {
        return violations(outcome).stream().map(Problem.Violation::field).toList();
    }

    @Test
    void nulOrALoneSurrogateAtAnyDepthIsNamedByItsPath() {
        var outcome = single(MessageType.TRACK, """
                {"messageId": "m-1", "userId": "u-1", "event": "Order Completed",
                 "properties": {"total": 12.5, "note": "gift\\u0000wrap", "items": [{"sku": "a"}, {"sku": "\\ud800"}],
                                "bad\\u0000key": true, "nested": {"deeper": [[1, "\\udfff"]]}},
                 "context": {"page": {"title": "\\u0000"}}, "integrations": {"All": true, "Mix\\u0000panel": false}}""");
        assertEquals(List.of("properties.note", "properties.items[1].sku", "properties[\"bad\\u0000key\"]",
                "properties.nested.deeper[0][1]", "context.page.title", "integrations[\"Mix\\u0000panel\"]"),
                fields(outcome));
        assertEquals("properties.note contains U+0000 (NUL), which cannot be stored; send text without it "
                + "(messageId m-1)", violations(outcome).get(0).message());
        assertEquals("properties.items[1].sku contains an unpaired UTF-16 surrogate (U+D800), which cannot be stored; "
                + "send text without it (messageId m-1)", violations(outcome).get(1).message());
    }

    @Test
    void idsEventNamesAndTraitsAreCheckedInEveryCallType() {
        assertEquals(List.of("userId", "event"), fields(single(MessageType.TRACK,
                "{\"userId\": \"u\\u0000\", \"event\": \"Signed\\ud800Up\"}")));
        assertEquals(List.of("anonymousId", "traits.email"), fields(single(MessageType.IDENTIFY,
                "{\"anonymousId\": \"\\udc00a\", \"traits\": {\"email\": \"a@b\\u0000.c\"}}")));
        assertEquals(List.of("name", "category"), fields(single(MessageType.PAGE,
                "{\"anonymousId\": \"a\", \"name\": \"Home\\u0000\", \"category\": \"\\ud800\"}")));
        assertEquals(List.of("name"), fields(single(MessageType.SCREEN,
                "{\"anonymousId\": \"a\", \"name\": \"\\u0000\"}")));
        assertEquals(List.of("groupId", "traits[\"\\u0000\"]"), fields(single(MessageType.GROUP,
                "{\"userId\": \"u\", \"groupId\": \"g\\u0000\", \"traits\": {\"\\u0000\": 1}}")));
        assertEquals(List.of("previousId"), fields(single(MessageType.ALIAS,
                "{\"userId\": \"u\", \"previousId\": \"\\ud800\"}")));
        assertEquals(List.of("messageId"), fields(single(MessageType.TRACK,
                "{\"messageId\": \"m\\u0000\", \"userId\": \"u\", \"event\": \"e\"}")));
    }

    @Test
    void otherFaultsOfTheMessageAreReportedAlongside() {
        assertEquals(List.of("userId", "timestamp", "properties.a"), fields(single(MessageType.TRACK,
                "{\"event\": \"e\", \"timestamp\": \"yesterday\", \"properties\": {\"a\": \"\\u0000\"}}")));
    }

    @Test
    void inABatchOnlyTheMessagesHoldingSuchTextAreRefused() {
        List<MessageValidator.Outcome> outcomes = batch("""
                {"batch": [
                  {"type": "track", "messageId": "good", "userId": "u", "event": "e", "properties": {"x": "\\ud83d\\ude00"}},
                  {"type": "identify", "messageId": "bad", "userId": "u", "traits": {"list": ["ok", "\\u0000"]}},
                  {"type": "page", "messageId": "dropped-member", "anonymousId": "a", "channel\\u0000": "web"}]}""");
        Interaction good = assertInstanceOf(MessageValidator.Accepted.class, outcomes.get(0)).interaction();
        assertEquals(Map.of("x", "\uD83D\uDE00"), good.properties(), "a paired surrogate is an emoji, kept as it is");
        assertEquals(List.of("batch[1].traits.list[1]"), fields(outcomes.get(1)));
        assertTrue(violations(outcomes.get(1)).get(0).message().endsWith("(messageId bad)"));
        // A member the gateway does not publish cannot reach a database, so it is not refused.
        assertInstanceOf(MessageValidator.Accepted.class, outcomes.get(2));
    }

    @Test
    void aBatchEnvelopeHoldingSuchTextIsRefusedWhole() {
        var refused = assertThrows(IngestionRejected.class, () -> parser.parse("""
                {"batch": [{"type": "track", "userId": "u", "event": "e"}],
                 "context": {"locale": "de\\u0000CH"}, "integrations": {"\\u0000": true}}"""
                .getBytes(StandardCharsets.UTF_8), null));
        assertEquals(IngestionRejected.Reason.INVALID, refused.reason());
        assertEquals(List.of("context.locale", "integrations[\"\\u0000\"]"),
                refused.errors().stream().map(Problem.Violation::field).toList());
    }

    @Test
    void memberNamesWithALoneSurrogateAreRefusedToo() throws Exception {
        // Jackson already refuses such a name in a body (as malformed JSON, with line and column); a
        // tree built otherwise is held to the same rule.
        var body = assertThrows(IngestionRejected.class, () -> parser.parse(
                "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"\\ud800\": 1}}".getBytes(StandardCharsets.UTF_8),
                MessageType.TRACK));
        assertTrue(body.getMessage().startsWith("The body is not valid JSON at line 1"), body.getMessage());
        ObjectNode message = (ObjectNode) mapper.readTree("{\"userId\": \"u\", \"event\": \"e\"}");
        message.putObject("properties").putObject("a").put("\uDC00x", 1);
        message.putObject("traits").putArray("\uD800").add("fine");
        var outcome = validator.validate(new TrackingRequest.Item(message, 60), 4, null, new MessageValidator.Envelope(
                "src-1", NOW, null, null, null, null));
        assertEquals(List.of("batch[4].type", "batch[4].properties.a[\"\\udc00x\"]", "batch[4].traits[\"\\ud800\"]"),
                fields(outcome));
        assertEquals("the name of properties.a[\"\\udc00x\"] contains an unpaired UTF-16 surrogate (U+DC00), which "
                + "cannot be stored; send names without it", violations(outcome).get(1).message());
    }

    @Test
    void anEnvelopeMadeElsewhereIsStillNotPublished() throws Exception {
        TrackingRequest request = parser.parse("{\"userId\": \"u\", \"event\": \"e\"}".getBytes(StandardCharsets.UTF_8),
                MessageType.TRACK);
        var envelope = new MessageValidator.Envelope("src-1", NOW, null, null,
                (ObjectNode) mapper.readTree("{\"a\": \"\\u0000\"}"), null);
        assertEquals(List.of("context"), fields(validator.validate(request.items().get(0), -1, MessageType.TRACK,
                envelope)));
    }

    @Test
    void aMessageFullOfSuchTextIsToldAboutTheFirstTwentyAndHowManyMore() {
        StringBuilder properties = new StringBuilder();
        for (int i = 0; i < 45; i++) {
            properties.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": \"\\u0000\"");
        }
        var outcome = single(MessageType.TRACK, "{\"userId\": \"u\\u0000\", \"event\": \"e\", \"properties\": {"
                + properties + "}, \"traits\": {\"t\": \"\\u0000\"}}");
        List<Problem.Violation> violations = violations(outcome);
        assertEquals(21, violations.size());
        assertEquals("userId", violations.get(0).field());
        assertEquals("properties.p18", violations.get(19).field());
        assertEquals(new Problem.Violation("body", "27 more strings or member names of the message cannot be stored "
                + "either"), violations.get(20));
    }

    @Test
    void aMapperThatConvertsItselfChecksTheSame() {
        var converting = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        var request = new TrackingRequestParser(converting).parse(
                "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"n\": 1.5, \"s\": [\"\\u0000\"]}}"
                        .getBytes(StandardCharsets.UTF_8), MessageType.TRACK);
        var outcome = new MessageValidator(converting).validate(request.items().get(0), -1, MessageType.TRACK,
                envelope(request));
        assertEquals(List.of("properties.s[0]"), fields(outcome));
    }

    @Test
    void storableTextIsPublishedUnchanged() {
        var outcome = single(MessageType.TRACK, """
                {"userId": "\\u00e9\\u4e2d\\ud83d\\ude00", "event": "e\\u0001", "properties": {"k\\ud83d\\ude00": "\\uffff"}}""");
        Interaction published = assertInstanceOf(MessageValidator.Accepted.class, outcome).interaction();
        assertEquals("é中\uD83D\uDE00", published.userId());
        assertEquals("e\u0001", published.event());
        assertEquals(Map.of("k\uD83D\uDE00", "\uFFFF"), published.properties());
        assertNull(published.traits());
    }
}

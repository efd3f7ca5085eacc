package io.touchpoint.gateway.tracking.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** What counts as text Touchpoint can store, and how the fields that hold other text are named. */
class StorableTextTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void nulAndUnpairedSurrogatesAreFoundWherePairedSurrogatesAreNot() {
        assertEquals(-1, StorableText.firstUnstorable(""));
        assertEquals(-1, StorableText.firstUnstorable("plain ascii, Latin-1 é, CJK 中文, emoji \uD83D\uDE00"));
        assertEquals(-1, StorableText.firstUnstorable("\uD83D\uDE00\uD83D\uDE00"));
        assertEquals(-1, StorableText.firstUnstorable("\uFFFD\uFFFF\u0001\u007F"), "only NUL among the controls");
        assertEquals(0, StorableText.firstUnstorable("\u0000"));
        assertEquals(3, StorableText.firstUnstorable("abc\u0000def"));
        assertEquals(1, StorableText.firstUnstorable("a\uD800"), "a high surrogate at the end");
        assertEquals(1, StorableText.firstUnstorable("a\uD800b"), "a high surrogate before a non-surrogate");
        assertEquals(1, StorableText.firstUnstorable("a\uDC00b"), "a low surrogate alone");
        assertEquals(0, StorableText.firstUnstorable("\uDE00\uD83D"), "a pair the wrong way round");
        assertEquals(0, StorableText.firstUnstorable("\uD83D\uD83D\uDE00"), "a high surrogate before a pair");
        assertEquals(2, StorableText.firstUnstorable("\uD83D\uDE00\uDE00"), "a low surrogate after a pair");
    }

    @Test
    void theCheckAgreesWithAStrictUtf8EncoderOnRandomText() {
        // Random UTF-16 with many surrogates and NULs: storable exactly when it encodes to UTF-8
        // without replacement and holds no NUL.
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                text.append(switch (random.nextInt(5)) {
                    case 0 -> (char) (0xD800 + random.nextInt(0x800));
                    case 1 -> '\u0000';
                    case 2 -> (char) random.nextInt(0x80);
                    default -> (char) random.nextInt(0x10000);
                });
            }
            String s = text.toString();
            boolean encodable = java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
            assertEquals(encodable && s.indexOf('\u0000') < 0, StorableText.storable(s), () -> escaped(s));
        }
    }

    @Test
    void faultsNameEveryBadStringAndMemberNameInDocumentOrder() throws Exception {
        var tree = mapper.readTree("""
                {"ok": "fine", "note": "a\\u0000b", "items": [{"name": "\\ud800"}, "x", ["\\udc00"]],
                 "bad\\u0000key": 1, "with space": {"deep": "\\u0000"}, "emoji \\ud83d\\ude00": "\\ud83d\\ude00"}""");
        List<String> paths = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        int found = StorableText.faults(tree, "properties", 20, (path, message) -> {
            paths.add(path);
            messages.add(message);
        });
        assertEquals(5, found);
        assertEquals(List.of("properties.note", "properties.items[0].name", "properties.items[2][0]",
                "properties[\"bad\\u0000key\"]", "properties[\"with space\"].deep"), paths);
        assertEquals("properties.note contains U+0000 (NUL), which cannot be stored; send text without it",
                messages.get(0));
        assertEquals("properties.items[0].name contains an unpaired UTF-16 surrogate (U+D800), which cannot be stored;"
                + " send text without it", messages.get(1));
        assertEquals("the name of properties[\"bad\\u0000key\"] contains U+0000 (NUL), which cannot be stored; send "
                + "names without it", messages.get(3));
        assertFalse(StorableText.storable(tree));
        assertTrue(StorableText.storable(mapper.readTree("{\"a\": [\"\\ud83d\\ude00\", {\"b\": null, \"c\": 1}]}")));
        for (String path : paths) {
            assertTrue(StorableText.storable(path), "a path is always storable text itself: " + escaped(path));
        }
    }

    @Test
    void faultsPastTheLimitAreCountedNotReported() throws Exception {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 30; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"\\u0000\"");
        }
        List<String> paths = new ArrayList<>();
        assertEquals(30, StorableText.faults(mapper.readTree(json.append('}').toString()), "traits", 20,
                (path, message) -> paths.add(path)));
        assertEquals(20, paths.size());
        assertEquals("traits.k19", paths.get(19));
    }

    @Test
    void memberPathsQuoteNamesThatAreNotPlainWords() {
        assertEquals("plan", StorableText.member("", "plan"));
        assertEquals("context.user_agent-2$", StorableText.member("context", "user_agent-2$"));
        assertEquals("properties[\"Order Id\"]", StorableText.member("properties", "Order Id"));
        assertEquals("properties[\"a.b\"]", StorableText.member("properties", "a.b"));
        assertEquals("properties[\"\"]", StorableText.member("properties", ""));
        assertEquals("properties[\"q\\\"\\\\\"]", StorableText.member("properties", "q\"\\"));
        assertEquals("properties[\"\\u0000\\ud800\\u000a\"]", StorableText.member("properties", "\u0000\uD800\n"));
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}

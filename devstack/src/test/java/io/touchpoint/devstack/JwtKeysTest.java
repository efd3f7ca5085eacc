package io.touchpoint.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeysTest {

    @Test
    void lifetimesTakeSecondsMinutesHoursAndDays() {
        assertEquals(Duration.ofSeconds(90), JwtKeys.lifetime("90s"));
        assertEquals(Duration.ofMinutes(30), JwtKeys.lifetime("30m"));
        assertEquals(Duration.ofHours(1), JwtKeys.lifetime("1h"));
        assertEquals(Duration.ofDays(7), JwtKeys.lifetime("7d"));
        assertEquals(Duration.ofDays(30), JwtKeys.lifetime("30"), "a bare number is days, as before units");
        assertEquals(Duration.ofMinutes(45), JwtKeys.lifetime("PT45M"));
    }

    @Test
    void lifetimesThatAreNotPositiveDurationsAreRefused() {
        for (String bad : List.of("", "0m", "1w", "-1h", "1.5h", "h", "PT0S", "forever")) {
            assertThrows(IllegalArgumentException.class, () -> JwtKeys.lifetime(bad), bad);
        }
    }

    @Test
    void aMintedTokenExpiresAfterItsLifetime(@TempDir Path dir) throws Exception {
        JwtKeys.ensureKeyPair(dir);
        String token = JwtKeys.load(dir.resolve("private.pem"), JwtKeys.DEFAULT_ISSUER)
                .mint("analyst", List.of("analyst"), JwtKeys.lifetime("90m"));
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertEquals(90 * 60, number(claims, "exp") - number(claims, "iat"), claims);
        assertTrue(claims.contains("\"groups\":[\"analyst\"]"), claims);
        assertTrue(Files.exists(dir.resolve("public.pem")));
    }

    private static long number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }
}

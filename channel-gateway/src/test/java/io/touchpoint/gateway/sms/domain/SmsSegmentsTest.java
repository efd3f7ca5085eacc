package io.touchpoint.gateway.sms.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SmsSegmentsTest {

    @Test
    void gsmTextFitsOneSegmentUpTo160SeptetsThen153Each() {
        assertEquals(1, SmsSegments.of("a".repeat(160)).count());
        SmsSegments two = SmsSegments.of("a".repeat(161));
        assertEquals(SmsSegments.Encoding.GSM7, two.encoding());
        assertEquals(2, two.count());
        assertEquals(153, two.parts().get(0).length);
        assertEquals(8, two.parts().get(1).length);
        assertEquals(3, SmsSegments.of("a".repeat(307)).count());
    }

    @Test
    void finnishLettersAreGsm7AndTheEuroSignTakesTwoSeptetsNeverSplit() {
        SmsSegments text = SmsSegments.of("Jättipotti: 5 € ÄÖäö");
        assertEquals(SmsSegments.Encoding.GSM7, text.encoding());
        assertEquals("Jättipotti: 5 € ÄÖäö", SmsSegments.decode((byte) 0, text.parts().get(0)));
        // 159 septets and a euro sign (2 septets): 161, two segments; the escape pair stays in one.
        SmsSegments edge = SmsSegments.of("a".repeat(152) + "€" + "b".repeat(7));
        assertEquals(2, edge.count());
        assertEquals(152, edge.parts().get(0).length);
        assertEquals(0x1B, edge.parts().get(1)[0]);
        assertEquals(1, SmsSegments.of("a".repeat(158) + "€").count());
    }

    @Test
    void anythingOutsideGsmIsUcs2With70UnitsOr67PerSegment() {
        assertEquals(SmsSegments.Encoding.UCS2, SmsSegments.of("Привет").encoding());
        assertEquals(1, SmsSegments.of("Ж".repeat(70)).count());
        SmsSegments two = SmsSegments.of("Ж".repeat(71));
        assertEquals(2, two.count());
        assertEquals(134, two.parts().get(0).length);
        assertEquals("Ж".repeat(67), new String(two.parts().get(0), StandardCharsets.UTF_16BE));
    }

    @Test
    void anEmojiIsTwoUnitsAndNeverCutInHalf() {
        // 66 units, then a surrogate pair that would straddle the 67-unit boundary.
        SmsSegments text = SmsSegments.of("Ж".repeat(66) + "🎉" + "Ж".repeat(10));
        assertEquals(2, text.count());
        assertEquals("Ж".repeat(66), new String(text.parts().get(0), StandardCharsets.UTF_16BE));
        assertEquals("🎉" + "Ж".repeat(10), new String(text.parts().get(1), StandardCharsets.UTF_16BE));
    }

    @Test
    void moreThan255SegmentsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SmsSegments.of("a".repeat(153 * 255 + 1)));
    }
}

package io.touchpoint.gateway.unsubscribe.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Where a mail client may put the token of a mailto unsubscribe, and what is no token. */
class UnsubscribeMailboxSubjectTest {

    private static final String TOKEN = "u1.ZTFiMzRk-OGM_.yWGYE8m6";

    @Test
    void theSubjectTheMailtoTargetAsksForCarriesTheToken() {
        assertEquals(Optional.of(TOKEN), UnsubscribeMailbox.token("unsubscribe " + TOKEN));
    }

    @Test
    void aPrefixTheClientAddsOrAnotherCaseStillCarriesIt() {
        assertEquals(Optional.of(TOKEN), UnsubscribeMailbox.token("Re: [list] Unsubscribe  " + TOKEN + " please"));
    }

    @Test
    void aSubjectWithoutTheWordOrATokenCarriesNone() {
        assertEquals(Optional.empty(), UnsubscribeMailbox.token(null));
        assertEquals(Optional.empty(), UnsubscribeMailbox.token("Please take me off your list"));
        assertEquals(Optional.empty(), UnsubscribeMailbox.token("unsubscribe"));
        assertEquals(Optional.empty(), UnsubscribeMailbox.token("resubscribe " + TOKEN));
    }
}

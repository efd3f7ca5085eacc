package io.touchpoint.platform.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TrafficSourcesTest {

    @Test
    void utmParametersOfThePageMakeTheCampaignAndTheMediumItsChannel() {
        Touch t = TrafficSources.classify("https://bet.example/land?utm_source=Google&utm_medium=cpc&utm_campaign=spring+jackpot"
                + "&utm_term=Horse%20Racing%20odds&utm_content=ad-2&email=ada@example.com", "https://www.google.fi/", null);
        assertEquals(new Touch("paid", "google", "cpc", "spring jackpot", "horse racing odds", "ad-2", "google.fi", "/land"), t);
    }

    @Test
    void segmentsCampaignObjectWinsOverTheUrl() {
        Touch t = TrafficSources.classify("https://bet.example/?utm_source=old", null,
                Map.of("name", "tipster-week", "source", "instagram", "medium", "influencer", "content", "story"));
        assertEquals("social", t.channel());
        assertEquals("instagram", t.source());
        assertEquals("influencer", t.medium());
        assertEquals("tipster-week", t.campaign());
        assertEquals("story", t.content());
    }

    @Test
    void aCampaignWithoutMediumIsClassifiedByItsSourceAndAnUnknownMediumIsOther() {
        assertEquals("search", TrafficSources.classify("https://bet.example/?utm_source=bing", null, null).channel());
        assertEquals("social", TrafficSources.classify("https://bet.example/?utm_source=facebook", null, null).channel());
        assertEquals("other", TrafficSources.classify("https://bet.example/?utm_source=x&utm_medium=print-flyer", null, null)
                .channel());
    }

    @Test
    void referrersAreClassifiedBySiteAndSearchTermsAreReadWhereEnginesStillSendThem() {
        Touch search = TrafficSources.classify("https://bet.example/", "https://duckduckgo.com/?q=Toto+Jackpot&ia=web", null);
        assertEquals(new Touch("search", "duckduckgo", null, null, "toto jackpot", null, "duckduckgo.com", "/"), search);
        assertEquals("google", TrafficSources.classify("https://bet.example/", "https://www.google.co.uk/", null).source());
        Touch social = TrafficSources.classify("https://bet.example/register", "https://l.instagram.com/?u=x", null);
        assertEquals("social", social.channel());
        assertEquals("instagram", social.source());
        assertEquals("twitter", TrafficSources.classify("https://bet.example/", "https://t.co/abc", null).source());
        assertEquals("email", TrafficSources.classify("https://bet.example/", "https://mail.google.com/mail/u/0", null).channel());
        Touch other = TrafficSources.classify("https://bet.example/", "https://tipster-blog.example/post/1", null);
        assertEquals(new Touch("referral", "tipster-blog.example", null, null, null, null, "tipster-blog.example", "/"), other);
    }

    @Test
    void clickIdsWithoutUtmAreAdsOrSocial() {
        assertEquals(new Touch("paid", "google", "cpc", null, null, null, null, "/"),
                TrafficSources.classify("https://bet.example/?gclid=abc", null, null));
        assertEquals("social", TrafficSources.classify("https://bet.example/?fbclid=abc", null, null).channel());
    }

    @Test
    void aPageWithoutReferrerIsDirectAndAStepInsideTheSiteIsNoTouch() {
        assertEquals(new Touch("direct", null, null, null, null, null, null, "/odds"),
                TrafficSources.classify("https://www.bet.example/odds", null, null));
        assertNull(TrafficSources.classify("https://www.bet.example/odds", "https://bet.example/", null));
        assertNull(TrafficSources.classify(null, null, null));
        assertNull(TrafficSources.classify(null, null, Map.of()));
    }

    @Test
    void brokenUrlsAndOverlongValuesDoNotCostTheTouch() {
        Touch t = TrafficSources.classify("https://bet.example/a b?utm_source=news%zz&utm_medium=email", null, null);
        assertEquals("email", t.channel());
        String longName = "x".repeat(500);
        assertEquals(TrafficSources.MAX_LENGTH,
                TrafficSources.classify("https://bet.example/?utm_campaign=" + longName, null, null).campaign().length());
        assertNull(TrafficSources.classify("::::", null, null));
    }
}

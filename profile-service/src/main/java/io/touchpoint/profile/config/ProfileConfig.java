package io.touchpoint.profile.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What events and traits mean to the master profile. Defaults follow the reference scenario (a
 * betting operator and a mail-order retailer); every name can be changed per installation.
 */
@ConfigMapping(prefix = "touchpoint.profile")
public interface ProfileConfig {

    Events events();

    Identity identity();

    Bonus bonus();

    interface Events {
        /** Events that are a purchase or bet: they count as orders and add revenue. */
        @WithDefault("Order Completed,Bet Placed")
        Set<String> purchase();

        @WithDefault("Signed Up,Registration Completed")
        Set<String> registration();

        /** Refunds and returns subtract their revenue and count as returns. */
        @WithDefault("Order Refunded,Product Returned")
        Set<String> refund();

        /** Properties holding an event's monetary value, first present wins. */
        @WithDefault("revenue,total,value,stake")
        List<String> revenueProperties();

        /** A generic consent event: properties channel, topic, status, transactional, proof. */
        @WithDefault("Consent Updated")
        String consentUpdated();

        /**
         * Events that imply a consent, as {@code event=channel:topic:status}, e.g. a newsletter
         * subscription grants email for the newsletter topic.
         */
        @WithDefault("Newsletter Subscribed=email:newsletter:granted,Newsletter Unsubscribed=email:newsletter:withdrawn,"
                + "SMS Opted In=sms:*:granted,SMS Opted Out=sms:*:withdrawn,Unsubscribed=email:*:withdrawn")
        List<String> impliedConsents();
    }

    interface Identity {
        /** Values that identify nobody; SDKs and forms send them by mistake. Compared case-insensitively. */
        @WithDefault("null,undefined,0,-1,anonymous,unknown,none,nan,n/a,guest,test,[object object]")
        Set<String> blockedValues();

        /**
         * How many values of one identifier type a profile may hold. One userId per profile, so
         * two different userIds never merge silently.
         */
        @WithDefault("userId=1,email=5,phone=5")
        List<String> limits();

        /** Traits whose value is also an external identifier, as {@code trait=type}, e.g. {@code loyaltyCard=loyalty}. */
        Optional<List<String>> externalIdTraits();
    }

    interface Bonus {
        /** Points earned per unit of revenue on a full-price purchase. */
        @WithDefault("1")
        double pointsPerUnit();

        /** The purchase property that names the price group; a full-price value earns points. */
        @WithDefault("priceGroup")
        String priceGroupProperty();

        @WithDefault("1,full")
        Set<String> fullPriceGroups();

        @WithDefault("Bonus Redeemed")
        String redemptionEvent();

        @WithDefault("points")
        String pointsProperty();
    }
}

package io.touchpoint.analytics.experiment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every expected value comes from SciPy ({@code src/test/resources/stats-reference.py}), computed offline. */
class DistributionsTest {

    private static void close(double expected, double actual) {
        assertEquals(expected, actual, Math.max(1e-300, Math.abs(expected) * 1e-9), () -> "expected " + expected + ", got " + actual);
    }

    @Test
    void logGammaMatchesScipy() {
        close(0.5723649429247, Distributions.logGamma(0.5));
        assertEquals(0, Distributions.logGamma(1), 1e-14);
        close(0.2846828704729192, Distributions.logGamma(2.5));
        close(12.801827480081469, Distributions.logGamma(10));
        close(708.1149470389971, Distributions.logGamma(171.3));
    }

    @Test
    void incompleteGammaMatchesScipy() {
        close(0.5614219739190003, Distributions.regularizedGammaP(0.5, 0.3));
        close(0.7357588823428847, Distributions.regularizedGammaQ(2, 1));
        close(0.005569683072945574, Distributions.regularizedGammaQ(3.5, 10));
        close(0.0011024881301154815, Distributions.regularizedGammaP(10, 3));
        close(0.08440668109369177, Distributions.regularizedGammaQ(50, 60));
        close(0.9155933189063082, Distributions.regularizedGammaP(50, 60));
    }

    @Test
    void incompleteBetaMatchesScipy() {
        close(0.34829999999999994, Distributions.regularizedBeta(0.3, 2, 3));
        close(0.7951672353008665, Distributions.regularizedBeta(0.9, 0.5, 0.5));
        close(1.770034965528571e-21, Distributions.regularizedBeta(0.01, 10, 0.5));
        close(0.9999986807222218, Distributions.regularizedBeta(0.7, 30, 40));
    }

    @Test
    void normalMatchesScipy() {
        close(0.0006871379379158471, Distributions.normalCdf(-3.2));
        close(0.15865525393145707, Distributions.normalCdf(-1));
        close(0.5, Distributions.normalCdf(0));
        close(0.6914624612740131, Distributions.normalCdf(0.5));
        close(0.9750021048517795, Distributions.normalCdf(1.96));
        close(0.9999999990134123, Distributions.normalCdf(6));
        close(0.0013742758758316942, Distributions.normalTwoSided(-3.2));
        close(0.04999579029644087, Distributions.normalTwoSided(1.96));
        close(1.973175290075389e-09, Distributions.normalTwoSided(6));
        close(1.0, Distributions.normalTwoSided(0));
    }

    @Test
    void normalQuantileMatchesScipy() {
        close(-4.753424308822899, Distributions.normalQuantile(1e-6));
        close(-2.3263478740408408, Distributions.normalQuantile(0.01));
        close(-1.9599639845400545, Distributions.normalQuantile(0.025));
        assertEquals(0, Distributions.normalQuantile(0.5), 1e-15);
        close(0.8416212335729143, Distributions.normalQuantile(0.8));
        close(1.959963984540054, Distributions.normalQuantile(0.975));
        close(4.753424308817087, Distributions.normalQuantile(0.999999));
    }

    @Test
    void studentMatchesScipy() {
        close(0.08975324988459879, Distributions.studentTwoSided(2.1, 5));
        close(0.8144528418445154, Distributions.studentTwoSided(0.3, 1));
        close(0.0003032852362038582, Distributions.studentTwoSided(4.5, 17.3));
        close(0.050273184955748736, Distributions.studentTwoSided(1.96, 1000));
        close(2.5705818356363146, Distributions.studentQuantile(0.975, 5));
        close(2.1070320037534676, Distributions.studentQuantile(0.975, 17.3));
        close(7.163728138948783, Distributions.studentQuantile(0.995, 2.5));
        close(-1.3104150253913955, Distributions.studentQuantile(0.1, 30));
    }

    @Test
    void chiSquareMatchesScipy() {
        close(0.05004352124870519, Distributions.chiSquareSurvival(3.84, 1));
        close(0.01856613546304325, Distributions.chiSquareSurvival(10, 3));
        close(0.9735009788392561, Distributions.chiSquareSurvival(0.5, 4));
        close(1.694474393006737e-05, Distributions.chiSquareSurvival(40, 10));
    }
}

package io.touchpoint.analytics.experiment.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The experiment tests against SciPy (chi2_contingency without correction, chisquare, ttest_ind with
 * equal_var=False and its confidence_interval); values from {@code src/test/resources/stats-reference.py}.
 */
class SignificanceTest {

    private static void close(double expected, double actual) {
        assertEquals(expected, actual, Math.abs(expected) * 1e-9 + 1e-15, () -> "expected " + expected + ", got " + actual);
    }

    @Test
    void twoProportionsAgreeWithTheTwoByTwoChiSquare() {
        ProportionComparison c = ProportionComparison.of(120, 1000, 100, 1000, 0.95);
        close(0.12, c.armRate());
        close(0.10, c.controlRate());
        close(0.02, c.absoluteLift());
        close(1.4293008498232314, c.z());
        close(0.15291778186394195, c.pValue());
        close(-0.0074114819980199455, c.absoluteInterval().low());
        close(0.04741148199801992, c.absoluteInterval().high());
        close(0.2, c.relativeLift());
        close(-0.06589424893700613, c.relativeInterval().low());
        close(0.5415813448973079, c.relativeInterval().high());
        ChiSquare.Result chi = ChiSquare.homogeneity(List.of(120L, 100L), List.of(1000L, 1000L));
        close(2.0429009193054135, chi.statistic());
        close(0.15291778186394195, chi.pValue());
    }

    @Test
    void aControlWithoutConversionsHasNoRelativeLift() {
        ProportionComparison c = ProportionComparison.of(3, 50, 0, 50, 0.95);
        assertNull(c.relativeLift());
        assertNull(c.relativeInterval());
        ProportionComparison none = ProportionComparison.of(0, 50, 0, 50, 0.95);
        assertNull(none.pValue());
    }

    @Test
    void homogeneityOfThreeArms() {
        ChiSquare.Result r = ChiSquare.homogeneity(List.of(30L, 45L, 25L), List.of(500L, 500L, 500L));
        close(6.964285714285714, r.statistic());
        assertEquals(2, r.degreesOfFreedom());
        close(0.030741465832772142, r.pValue());
    }

    @Test
    void sampleRatioMismatch() {
        ChiSquare.Result r = ChiSquare.goodnessOfFit(List.of(4700L, 4600L, 700L), List.of(45.0, 45.0, 10.0));
        close(101.11111111111111, r.statistic());
        close(1.1066268230161014e-22, r.pValue());
    }

    @Test
    void welchFromSums() {
        // a = [0, 0, 12.5, 3, 0, 40, 7.25, 0, 0, 15], b = [0, 5, 0, 0, 2.5, 0, 0, 10, 0]
        var arm = new MeanComparison.Moments(10, 77.75, 2042.8125);
        var control = new MeanComparison.Moments(9, 17.5, 131.25);
        MeanComparison c = MeanComparison.of(arm, control, 0.95);
        close(1.4005286499726808, c.t());
        close(10.500800734664631, c.degreesOfFreedom());
        close(0.1902046378196567, c.pValue());
        close(-3.385816000977364, c.interval().low());
        close(15.046927112088476, c.interval().high());
        close(7.775 - 17.5 / 9, c.difference());
    }

    @Test
    void welchWithoutVarianceHasNoTest() {
        var same = new MeanComparison.Moments(5, 10, 20);
        MeanComparison c = MeanComparison.of(same, same, 0.95);
        assertNull(c.pValue());
        assertEquals(0, c.difference());
    }
}

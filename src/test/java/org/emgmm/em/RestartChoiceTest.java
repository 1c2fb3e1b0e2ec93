package org.emgmm.em;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which initialisation's result a fit keeps ({@link EmLoop.Result#beats}): the highest final lower bound, the earlier
 * one on a tie within rounding. A plain {@code >} let summation-order rounding (Spark partitions against one machine:
 * lower bounds −6.264743504314365 and −6.264743504314363 for the same optimum with components in another order)
 * choose between two restarts that reached the same optimum.
 */
class RestartChoiceTest {
    private static EmLoop.Result ending(double... history) {
        return EmLoop.Result.restored(null, history, true, List.of(), 0, true);
    }

    @Test
    void higherLowerBoundWins() {
        assertTrue(ending(-7.0, -6.2).beats(ending(-7.0, -6.3)));
        assertFalse(ending(-7.0, -6.3).beats(ending(-7.0, -6.2)));
        assertTrue(ending(-6.2).beats(null));
    }

    @Test
    void roundingLevelDifferencesAreTiesAndTheEarlierStays() {
        EmLoop.Result first = ending(-6.264743504314365);
        EmLoop.Result second = ending(-6.264743504314363);
        assertFalse(second.beats(first));
        assertFalse(first.beats(second));
        // just beyond the tie: relative 1e-10 of the best's magnitude
        double lb = -6.264743504314365;
        assertTrue(ending(lb + 2 * EmLoop.Result.TIE * Math.abs(lb)).beats(first));
        assertFalse(ending(lb + 0.5 * EmLoop.Result.TIE * Math.abs(lb)).beats(first));
        // near zero the tie is absolute
        assertFalse(ending(1e-11).beats(ending(0.0)));
        assertTrue(ending(1e-9).beats(ending(0.0)));
    }

    @Test
    void withoutLowerBoundsTheFirstStays() {
        assertFalse(ending().beats(ending()));
        assertFalse(ending(-6.0).beats(ending()));
        assertFalse(ending().beats(ending(-6.0)));
    }
}

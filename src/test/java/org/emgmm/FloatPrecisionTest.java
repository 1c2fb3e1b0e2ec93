package org.emgmm;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.backend.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: every fit of {@link FloatCases} that succeeds in double also succeeds in float on the CPU backend
 * (Vector API kernel where the JVM has it, and the plain-Java kernel), and lands on the double fit: parameters
 * within 1e-3 relative, lower bound within 1e-5 relative (the measure is in {@link FloatCases}); also wine / full
 * from nearby starts ({@link FloatCases#wineFullNearStarts}), slow fits that must not stop early.
 */
class FloatPrecisionTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        Stream.concat(FloatCases.all(), FloatCases.wineFullNearStarts(8)).forEach(c -> {
            if (CpuBackend.vectorAvailable()) {
                out.add(Arguments.of("cpu-float-vector", true, c));
            }
            out.add(Arguments.of("cpu-float-plain", false, c));
        });
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void floatLandsOnTheDoubleFit(String name, boolean vector, FloatCases.Case c) {
        try (Backend b = new CpuBackend(0, Precision.FLOAT, vector)) {
            c.assertFloatMatchesDouble(name, b);
        }
    }
}

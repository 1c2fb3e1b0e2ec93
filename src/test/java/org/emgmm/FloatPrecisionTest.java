package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.Precision;
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

    static Stream<FloatCases.Case> sklearnSets() {
        return FloatCases.all().filter(c -> c.name.startsWith("wine/") || c.name.startsWith("breast_cancer/")
                || c.name.startsWith("digits/"));
    }

    /**
     * The comparator of these tests, the double CPU fit, is scikit-learn's fit of the same start
     * ({@code /reference/sklearn_set_fits.json}, made by make_sklearn_set_fits.py; the command is in the script) at
     * the double tolerances of {@link Tolerances}: parameters 1e-6, lower bound 1e-9, iterations ±1.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sklearnSets")
    void doubleFitMatchesScikitLearn(FloatCases.Case c) throws IOException {
        JsonNode ref = null;
        try (InputStream in = FloatPrecisionTest.class.getResourceAsStream("/reference/sklearn_set_fits.json")) {
            for (JsonNode n : new ObjectMapper().readTree(in).get("cases")) {
                if (n.get("name").asText().equals(c.name)) {
                    ref = n;
                }
            }
        }
        assertTrue(ref != null && ref.get("converged").asBoolean(), c.name + ": no converged scikit-learn fit");
        MixtureModel m = c.doubleFit();
        String what = "cpu-double " + c.name + " vs scikit-learn";
        assertEquals(ref.get("n_iter").asInt(), m.nIter(), Tolerances.ITER_F64, what + ": iterations");
        ModelAsserts.check(what + ": lower bound", ref.get("lower_bound").asDouble(), m.lowerBound(),
                Tolerances.LOWER_BOUND_F64, 0);
        ModelAsserts.assertParams(what, c.type, flat(ref.get("weights")), flat(ref.get("means")),
                flat(ref.get("covariances")), m, Tolerances.PARAM_F64);
    }

    /** @return the numbers of a nested JSON array, in row-major order */
    private static double[] flat(JsonNode a) {
        List<Double> out = new ArrayList<>();
        flatten(a, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode a, List<Double> out) {
        if (a.isArray()) {
            a.forEach(e -> flatten(e, out));
        } else {
            out.add(a.asDouble());
        }
    }
}

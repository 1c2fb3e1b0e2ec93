package org.emgmm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.emgmm.bench.BenchRunner;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.cli.Main;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;

/** The bench library and command: a small run gives sane JSON; bad options are refused with status 2. */
class BenchRunnerTest {

    @Test
    void smallRunGivesSaneJson() throws Exception {
        BenchRunner.Spec spec = BenchRunner.Spec.builder().backend(BackendKind.CPU).n(3000).d(3).k(4)
                .covariance(CovarianceType.FULL).precision(Precision.DOUBLE).iters(3).warmup(1).seed(5).threads(2)
                .build();
        BenchRunner.Result r = new BenchRunner(spec).run();
        JsonNode j = new ObjectMapper().readTree(r.toJson());
        assertEquals(1, r.toJson().lines().count());
        assertEquals("cpu", j.get("backend").asText());
        assertTrue(j.get("device").asText().startsWith("CPU, 2 threads"), j.get("device").asText());
        assertEquals(3000, j.get("n").asInt());
        assertEquals(3, j.get("d").asInt());
        assertEquals(4, j.get("k").asInt());
        assertEquals("full", j.get("covariance").asText());
        assertEquals("double", j.get("precision").asText());
        assertEquals(3, j.get("iters").asInt());
        assertEquals(3, j.get("ms").size());
        double med = j.get("ms_per_iter").asDouble();
        assertTrue(med > 0 && j.get("ms_min").asDouble() <= med && med < 10_000, "median " + med);
        assertTrue(Double.isFinite(j.get("lower_bound").asDouble()));
        assertEquals(System.getProperty("java.version"), j.get("java").asText());
    }

    @Test
    void syntheticDataIsSeeded() {
        ArrayDataset a = SyntheticMixture.generate(500, 3, 4, 9, false);
        ArrayDataset b = SyntheticMixture.generate(500, 3, 4, 9, false);
        ArrayDataset c = SyntheticMixture.generate(500, 3, 4, 10, false);
        assertTrue(java.util.Arrays.equals(a.doubleArray(), b.doubleArray()));
        assertTrue(!java.util.Arrays.equals(a.doubleArray(), c.doubleArray()));
        ArrayDataset f = SyntheticMixture.generate(500, 3, 4, 9, true);
        assertEquals((float) a.doubleArray()[17], f.floatArray()[17]);
    }

    @Test
    void specRejectsBadValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchRunner.Spec.builder().n(10).k(11).build());
        assertTrue(e.getMessage().contains("k must be <= n"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchRunner.Spec.builder().iters(0).build());
        assertTrue(e.getMessage().contains("iters"), e.getMessage());
    }

    @Test
    void commandPrintsOneJsonLineAndRefusesBadOptionsWithStatus2() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "bench", "--n", "2000", "--d", "2", "--k",
                "3", "--covariance", "spherical", "--precision", "float", "--iters", "2", "--warmup", "0", "--json");
        assertEquals(0, code, err.toString());
        JsonNode j = new ObjectMapper().readTree(out.toString().trim());
        assertEquals("spherical", j.get("covariance").asText());
        assertEquals("float", j.get("precision").asText());

        for (String[] bad : new String[][] {{"--k", "0"}, {"--covariance", "banana"}, {"--precision", "half"},
            {"--n", "ten"}, {"--iters", "-1"}, {"--backend", "gpu"}}) {
            StringWriter e2 = new StringWriter();
            String[] args = new String[bad.length + 1];
            args[0] = "bench";
            System.arraycopy(bad, 0, args, 1, bad.length);
            int c = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(e2), args);
            assertEquals(2, c, String.join(" ", bad) + ": " + e2);
            assertTrue(e2.toString().contains(bad[0].substring(2)) || e2.toString().contains(bad[1]),
                    String.join(" ", bad) + ": " + e2);
        }
    }
}

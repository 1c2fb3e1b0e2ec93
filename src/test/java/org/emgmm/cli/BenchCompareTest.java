package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.emgmm.Tolerances;
import org.emgmm.backend.opencl.DeviceInfo;
import org.emgmm.backend.opencl.OpenClBackend;
import org.emgmm.backend.opencl.OpenClTestSupport;
import org.emgmm.bench.Comparison;
import org.emgmm.bench.ComparisonReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emgmm bench --compare}: with OpenCL (PoCL here) a row per problem for the CPU and for every device in both
 * precisions (double only with fp64), numbers consistent with each other and with the model, the same start for
 * every backend, a PNG; without OpenCL (a child JVM whose ICD loader sees an empty vendors folder) CPU rows only and
 * the reason; bad values refused with status 2 before any work. Tiny sizes, one timed iteration: nothing here
 * judges speed.
 */
class BenchCompareTest {
    /** Lower bounds of float and double runs after the same two iterations from the same start. */
    private static final double FLOAT_VS_DOUBLE = Tolerances.FLOAT_VS_DOUBLE;
    /** Lower bounds of two double backends after the same two iterations from the same start. */
    private static final double DOUBLE_VS_DOUBLE = Tolerances.SAME_FIT_F64;

    @TempDir
    Path dir;

    @Test
    void comparesEveryBackendOnPoclAsJsonAndDrawsThePicture() throws Exception {
        OpenClTestSupport.device(); // skips (or fails under EMGMM_REQUIRE_OPENCL=1) without OpenCL
        List<DeviceInfo> devices = OpenClBackend.devices();
        Path png = dir.resolve("compare.png");
        Cli.Result r = Cli.run("bench", "--compare", "--n", "3000,9000", "--d", "3", "--k", "2", "--covariance",
                "diag,full", "--iters", "1", "--warmup", "1", "--seed", "4", "--threads", "2", "--json",
                "--peak-gbs", "cpu:float=77.5", "--plot", png.toString());
        assertEquals(0, r.code(), r.toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("emgmm-bench-compare", j.get("format").asText());
        assertTrue(j.get("opencl").get("available").asBoolean(), r.out());
        assertTrue(j.get("opencl").get("reason").isNull(), r.out());

        List<String> expected = new ArrayList<>(List.of("cpu:double", "cpu:float"));
        for (DeviceInfo d : devices) {
            if (d.fp64()) {
                expected.add("opencl" + d.index() + ":double");
            }
            expected.add("opencl" + d.index() + ":float");
        }
        Map<String, JsonNode> targets = new HashMap<>();
        for (JsonNode t : j.get("targets")) {
            targets.put(t.get("target").asText() + ":" + t.get("precision").asText(), t);
        }
        assertEquals(new LinkedHashSet<>(expected), targets.keySet(), r.out());
        assertEquals(77.5, targets.get("cpu:float").get("peak_gbs").asDouble());
        assertEquals("given (--peak-gbs)", targets.get("cpu:float").get("peak_gbs_source").asText());
        assertTrue(targets.get("cpu:double").get("peak_gbs_source").asText().startsWith("measured"));

        JsonNode results = j.get("results");
        assertEquals(2 * 2 * expected.size(), results.size(), r.out()); // 2 N x 2 covariance types x backends
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode row : results) {
            String key = row.get("covariance").asText() + row.get("n").asInt() + "/" + row.get("target").asText()
                    + ":" + row.get("precision").asText();
            byKey.put(key, row);
            assertTrue(row.get("error").isNull(), row.toString());
        }
        for (JsonNode row : results) {
            String problem = row.get("covariance").asText() + row.get("n").asInt() + "/";
            String prec = row.get("precision").asText();
            int n = row.get("n").asInt();
            double ms = row.get("ms_per_iter").asDouble();
            assertTrue(ms > 0, row.toString());
            double cpuDouble = byKey.get(problem + "cpu:double").get("ms_per_iter").asDouble();
            double cpuSame = byKey.get(problem + "cpu:" + prec).get("ms_per_iter").asDouble();
            assertEquals(cpuDouble / ms, row.get("speedup_vs_cpu_double").asDouble(), 1e-12 * cpuDouble / ms);
            assertEquals(cpuSame / ms, row.get("speedup_vs_cpu_same_precision").asDouble(), 1e-12 * cpuSame / ms);
            // the model's counts, written out independently of BenchRunner.flopsPerIteration
            double flops = "full".equals(row.get("covariance").asText()) ? 2.0 * n * 2 * 3 * 4 : 7.0 * n * 2 * 3;
            assertEquals(flops, row.get("flops_per_iter").asDouble());
            assertEquals(n * 3.0 * ("float".equals(prec) ? 4 : 8), row.get("bytes_per_iter").asDouble());
            JsonNode t = targets.get(row.get("target").asText() + ":" + prec);
            double limit = Math.max(flops / (t.get("peak_gflops").asDouble() * 1e6),
                    row.get("bytes_per_iter").asDouble() / (t.get("peak_gbs").asDouble() * 1e6));
            assertEquals(limit, row.get("limit_ms").asDouble(), 1e-12 * limit);
            assertEquals(100 * limit / ms, row.get("percent_of_limit").asDouble(), 1e-9 * limit / ms);
            // same data and start for every backend: the lower bound after the same iterations agrees with CPU double
            double lb = row.get("lower_bound").asDouble();
            double ref = byKey.get(problem + "cpu:double").get("lower_bound").asDouble();
            double tol = "float".equals(prec) ? FLOAT_VS_DOUBLE : DOUBLE_VS_DOUBLE;
            assertEquals(ref, lb, tol * Math.abs(ref), row.toString());
        }
        assertEquals(1.0, byKey.get("diag3000/cpu:double").get("speedup_vs_cpu_double").asDouble());

        assertTrue(Files.size(png) > 0);
        byte[] head = new byte[8];
        System.arraycopy(Files.readAllBytes(png), 0, head, 0, 8);
        assertEquals("\u0089PNG\r\n\u001a\n", new String(head, StandardCharsets.ISO_8859_1));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(900, img.getWidth());
        assertEquals(List.of("compare.png"), Cli.listing(dir), "no temporary file left");
    }

    @Test
    void tableShowsEveryBackendAndTheModel() {
        OpenClTestSupport.device();
        Cli.Result r = Cli.run("bench", "--compare", "--n", "2000", "--d", "2", "--k", "2", "--iters", "1",
                "--warmup", "0", "--threads", "1");
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertTrue(out.contains("% limit (model)"), out);
        assertTrue(out.contains("diag D=2 K=2"), out);
        for (String name : new String[] {"cpu double", "cpu float", "opencl0 float"}) {
            assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("2000  " + name)), name + "\n" + out);
        }
        assertTrue(out.contains("Peaks of the model"), out);
        assertFalse(out.contains("No OpenCL rows"), out);
        assertTrue(r.err().contains("emgmm bench: measuring the CPU's peaks"), r.err());
    }

    @Test
    void withoutOpenClItPrintsCpuRowsOnlyAndSaysWhy() throws Exception {
        Path vendors = Files.createDirectories(dir.resolve("vendors"));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", classPath(),
                Main.class.getName(), "bench", "--compare", "--n", "2000,4000", "--d", "2", "--k", "2", "--iters",
                "1", "--warmup", "0", "--threads", "1", "--json");
        pb.environment().put("OCL_ICD_VENDORS", vendors.toString());
        pb.environment().remove("OCL_ICD_FILENAMES");
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text + new String(err, StandardCharsets.UTF_8));
        JsonNode j = new ObjectMapper().readTree(text);
        assertFalse(j.get("opencl").get("available").asBoolean(), text);
        String reason = j.get("opencl").get("reason").asText();
        assertTrue(reason.contains("no OpenCL platform found") || reason.contains("could not be loaded"), reason);
        assertEquals(4, j.get("results").size(), text);
        for (JsonNode row : j.get("results")) {
            assertEquals("cpu", row.get("target").asText(), text);
        }
        assertEquals(2, j.get("targets").size(), text);
    }

    @Test
    void tableWithoutOpenClEndsWithTheReason() {
        ComparisonReport report = new Comparison(Comparison.Settings.builder().ns(List.of(1500)).ds(List.of(2))
                .ks(List.of(2)).iters(1).warmup(0).threads(1).openCl(false).build()).run(line -> { });
        String table = report.table();
        assertEquals(2, report.rows().size());
        assertTrue(table.contains("cpu double") && table.contains("cpu float") && !table.contains("opencl0"), table);
        List<String> lines = table.lines().toList();
        assertEquals("No OpenCL rows: " + report.openClReason(), lines.get(lines.size() - 1));
    }

    @Test
    void badValuesAreRefusedWithStatus2BeforeAnyWork() {
        Object[][] cases = {
            {new String[] {"--compare", "--n", "1000,ten"}, "--n: 'ten' is not a whole number"},
            {new String[] {"--compare", "--n", "0"}, "--n: values must be >= 1"},
            {new String[] {"--compare", "--k", "3,"}, "--k: empty item"},
            {new String[] {"--compare", "--n", "5", "--k", "10"}, "k must be <= n"},
            {new String[] {"--compare", "--covariance", "diag,banana"}, "banana"},
            {new String[] {"--compare", "--peak-gflops", "cpu=-1"}, "--peak-gflops: 'cpu=-1' is not"},
            {new String[] {"--compare", "--peak-gbs", "gpu0=100"}, "--peak-gbs: 'gpu0=100' is not"},
            {new String[] {"--compare", "--peak-gbs", "cpu:half=100"}, "--peak-gbs: 'cpu:half=100'"},
            {new String[] {"--compare", "--backend", "opencl"}, "--backend cannot be used with --compare"},
            {new String[] {"--compare", "--precision", "float"}, "--precision cannot be used with --compare"},
            {new String[] {"--compare", "--plot", dir.resolve("no/such/dir/x.png").toString()}, "does not exist"},
            {new String[] {"--plot", dir.resolve("x.png").toString()}, "--plot needs --compare"},
            {new String[] {"--peak-gflops", "cpu=5"}, "--peak-gflops needs --compare"},
            {new String[] {"--n", "1000,2000"}, "--n takes one value without --compare"},
        };
        for (Object[] c : cases) {
            String[] bad = (String[]) c[0];
            String[] args = new String[bad.length + 1];
            args[0] = "bench";
            System.arraycopy(bad, 0, args, 1, bad.length);
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r);
            assertTrue(r.err().contains((String) c[1]), String.join(" ", bad) + ": " + r.err());
            assertFalse(r.err().contains("measuring"), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    /** This JVM's class path plus target/classes (Surefire may hand the test classes over in a manifest jar). */
    private static String classPath() throws Exception {
        LinkedHashSet<String> parts = new LinkedHashSet<>();
        String own = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String s : own.split(File.pathSeparator)) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        for (Class<?> c : new Class<?>[] {Main.class, ObjectMapper.class, picocli.CommandLine.class,
            com.fasterxml.jackson.core.JsonFactory.class, com.fasterxml.jackson.annotation.JsonProperty.class,
            org.slf4j.LoggerFactory.class, org.jfree.chart.JFreeChart.class}) {
            parts.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        parts.add(Paths.get(Class.forName("org.jocl.CL", false, BenchCompareTest.class.getClassLoader())
                .getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return String.join(File.pathSeparator, parts);
    }
}

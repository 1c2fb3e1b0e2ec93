package org.emgmm.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.emgmm.backend.opencl.DeviceInfo;
import org.emgmm.backend.opencl.OpenClBackend;
import org.emgmm.bench.BenchRunner;
import org.emgmm.config.CovarianceType;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link EmIterationBenchmark} and writes a results file: per configuration the time of one EM iteration,
 * the flops and bytes it implies, the rates, their fraction of the device's limits (when given), and OpenCL's
 * speed-up over the CPU backend. JMH's own JSON is written beside it.
 *
 * <p>Usage: {@code RunBenchmarks --out FILE [--peak-gflops X] [--peak-gbs Y] [JMH options, e.g. -p n=1000000]}.
 *
 * <p>Cost model (the one {@link BenchRunner#flopsPerIteration} uses, so CPU and GPU reports agree): per sample and
 * component, diag/spherical 7·D flops (difference, scale, square-add for the density; difference, fma for S1 and
 * fma for S2), full/tied 2·D·(D+1) flops (the triangular product (x−μ)ᵀU and the upper triangle of the outer
 * product, one fma each); exp/log not counted. Bytes: the data read once per iteration, N·D·(4 or 8), plus N·(4
 * or 8) for weights when present (none here); parameters and partial sums are negligible. The fraction of the
 * limit is max(flops / peak flop rate, bytes / peak bandwidth) / time: the roofline bound over the measured time.
 */
public final class RunBenchmarks {
    private RunBenchmarks() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when JMH fails or the file cannot be written
     */
    public static void main(String[] args) throws Exception {
        Path out = Paths.get("bench/results/jmh.md");
        double peakGflops = 0;
        double peakGbs = 0;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out": out = Paths.get(args[++i]); break;
                case "--peak-gflops": peakGflops = Double.parseDouble(args[++i]); break;
                case "--peak-gbs": peakGbs = Double.parseDouble(args[++i]); break;
                default: rest.add(args[i]);
            }
        }
        Path json = Paths.get(out.toString().replaceAll("\\.md$", "") + ".json");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        CommandLineOptions cl = new CommandLineOptions(rest.toArray(new String[0]));
        OptionsBuilder ob = new OptionsBuilder();
        ob.parent(cl);
        if (cl.getIncludes().isEmpty()) {
            ob.include(EmIterationBenchmark.class.getSimpleName());
        }
        ob.resultFormat(ResultFormatType.JSON).result(json.toString());
        Collection<RunResult> results = new Runner(ob.build()).run();
        Files.writeString(out, report(results, peakGflops, peakGbs, args), StandardCharsets.UTF_8);
        System.out.println("wrote " + out + " and " + json);
    }

    static String report(Collection<RunResult> results, double peakGflops, double peakGbs, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append("# emgmm JMH: one EM iteration (accumulate + M step)\n\n");
        sb.append("- date: ").append(Instant.now()).append('\n');
        sb.append("- command: RunBenchmarks ").append(String.join(" ", args)).append('\n');
        sb.append("- java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", ").append(Runtime.getRuntime()
                        .availableProcessors()).append(" processors\n");
        sb.append("- cpu: ").append(cpuModel()).append('\n');
        try {
            for (DeviceInfo d : OpenClBackend.devices()) {
                sb.append("- opencl device ").append(d).append('\n');
            }
        } catch (RuntimeException | LinkageError e) {
            sb.append("- opencl: unavailable (").append(e.getMessage()).append(")\n");
        }
        sb.append("- peak used for fractions: ").append(peakGflops > 0 ? peakGflops + " GFLOP/s" : "none")
                .append(", ").append(peakGbs > 0 ? peakGbs + " GB/s" : "none").append('\n');
        sb.append("- model: flops per iteration = N·K·7D (diag/spherical) or N·K·2D(D+1) (full/tied); bytes = N·D·"
                + "sizeof(real); fraction = max(flops/peak, bytes/bandwidth) / time\n\n");
        sb.append("| backend | precision | type | N | D | K | ms/iter | ± | GFLOP | GB | GFLOP/s | GB/s | fraction "
                + "of limit | opencl speed-up |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Double> cpuTimes = new HashMap<>();
        for (RunResult r : results) {
            if ("cpu".equals(r.getParams().getParam("backend"))) {
                cpuTimes.put(key(r), r.getPrimaryResult().getScore());
            }
        }
        for (RunResult r : results) {
            String backend = r.getParams().getParam("backend");
            String precision = r.getParams().getParam("precision");
            String type = r.getParams().getParam("type");
            long n = Long.parseLong(r.getParams().getParam("n"));
            int d = Integer.parseInt(r.getParams().getParam("d"));
            int k = Integer.parseInt(r.getParams().getParam("k"));
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            double flops = BenchRunner.flopsPerIteration(n, d, k, CovarianceType.parse(type));
            double bytes = (double) n * d * ("float".equals(precision) ? 4 : 8);
            double s = ms / 1e3;
            String frac = "n/a";
            if (peakGflops > 0 && peakGbs > 0 && "opencl".equals(backend)) {
                double bound = Math.max(flops / (peakGflops * 1e9), bytes / (peakGbs * 1e9));
                frac = String.format(Locale.ROOT, "%.3f", bound / s);
            }
            Double cpu = cpuTimes.get(key(r));
            String speedup = "opencl".equals(backend) && cpu != null
                    ? String.format(Locale.ROOT, "%.2f×", cpu / ms) : "";
            sb.append(String.format(Locale.ROOT,
                    "| %s | %s | %s | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %.1f | %.2f | %s | %s |\n",
                    backend, precision, type, n, d, k, ms, Double.isNaN(err) ? 0 : err, flops / 1e9, bytes / 1e9,
                    flops / 1e9 / s, bytes / 1e9 / s, frac, speedup));
        }
        return sb.toString();
    }

    private static String key(RunResult r) {
        return String.join("/", r.getParams().getParam("precision"), r.getParams().getParam("type"),
                r.getParams().getParam("n"), r.getParams().getParam("d"), r.getParams().getParam("k"));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static List<String> list(String... s) {
        return Arrays.asList(s);
    }
}

package org.emgmm.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.emgmm.config.Precision;

/**
 * The outcome of a {@link Comparison}: the backends with their peaks, one row per problem and backend, and why
 * OpenCL is missing when it is. Prints as a table ({@link #table()}) or one JSON document ({@link #toJson()}).
 * Immutable.
 */
public final class ComparisonReport {
    /** The {@code "format"} of the JSON document. */
    public static final String FORMAT = "emgmm-bench-compare";

    private final Comparison.Settings settings;
    private final List<Comparison.Target> targets;
    private final List<Row> rows;
    private final String openClReason;

    ComparisonReport(Comparison.Settings settings, List<Comparison.Target> targets, List<Run> runs,
                     String openClReason) {
        this.settings = settings;
        this.targets = List.copyOf(targets);
        List<Row> rs = new ArrayList<>();
        for (Run r : runs) {
            rs.add(new Row(r.problem(), r.target(), r.result(), r.error()));
        }
        this.rows = List.copyOf(rs);
        this.openClReason = openClReason;
    }

    /** One run as {@link Comparison} records it: the result, or the error when the backend failed. */
    record Run(Comparison.Problem problem, Comparison.Target target, BenchRunner.Result result, String error) {
    }

    /** @return the backends compared, CPU first */
    public List<Comparison.Target> targets() {
        return targets;
    }

    /** @return one row per problem and backend, problem by problem */
    public List<Row> rows() {
        return rows;
    }

    /** @return why there are no OpenCL rows, or null when OpenCL devices were found */
    public String openClReason() {
        return openClReason;
    }

    /** The time of one backend on one problem, set against the CPU and the backend's limit. */
    public final class Row {
        private final Comparison.Problem problem;
        private final Comparison.Target target;
        private final BenchRunner.Result result;
        private final String error;

        Row(Comparison.Problem problem, Comparison.Target target, BenchRunner.Result result, String error) {
            this.problem = problem;
            this.target = target;
            this.result = result;
            this.error = error;
        }

        /** @return the problem */
        public Comparison.Problem problem() {
            return problem;
        }

        /** @return the backend and precision */
        public Comparison.Target target() {
            return target;
        }

        /** @return why this backend failed on this problem, or null */
        public String error() {
            return error;
        }

        /** @return median milliseconds per iteration, NaN when the run failed */
        public double millis() {
            return result == null ? Double.NaN : result.medianMillis();
        }

        /** @return operations per iteration ({@link BenchRunner#flopsPerIteration}) */
        public double flops() {
            return BenchRunner.flopsPerIteration(problem.n, problem.d, problem.k, problem.covariance);
        }

        /** @return bytes read per iteration ({@link PeakModel#bytesPerIteration}) */
        public double bytes() {
            return PeakModel.bytesPerIteration(problem.n, problem.d, target.precision);
        }

        /**
         * @param precision the CPU row's precision
         * @return the CPU row's time on the same problem over this one's (above 1: this one is faster), NaN if
         *     either failed
         */
        public double speedUpOverCpu(Precision precision) {
            for (Row r : rows) {
                if (r.problem == problem && r.target.kind == org.emgmm.config.BackendKind.CPU
                        && r.target.precision == precision) {
                    return r.millis() / millis();
                }
            }
            return Double.NaN;
        }

        /** @return the roofline's least time in ms ({@link PeakModel#limitMillis}) */
        public double limitMillis() {
            return PeakModel.limitMillis(flops(), bytes(), target.peakGflops, target.peakGbs);
        }

        /** @return the limit's time over the measured time, in percent */
        public double percentOfLimit() {
            return 100 * limitMillis() / millis();
        }

        /** @return "flops" or "bytes": which term of the roofline is the larger, or "?" when unknown */
        public String bound() {
            double a = flops() / target.peakGflops;
            double b = bytes() / target.peakGbs;
            if (Double.isNaN(a) && Double.isNaN(b)) {
                return "?";
            }
            return Double.isNaN(b) || a >= b ? "flops" : "bytes";
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", problem.n);
            m.put("d", problem.d);
            m.put("k", problem.k);
            m.put("covariance", problem.covariance.jsonName());
            m.put("target", target.label);
            m.put("precision", target.precision.name().toLowerCase(Locale.ROOT));
            m.put("device", result != null ? result.device() : target.device);
            m.put("ms_per_iter", num(millis()));
            m.put("ms", result == null ? null : result.millis());
            m.put("speedup_vs_cpu_same_precision", num(speedUpOverCpu(target.precision)));
            m.put("speedup_vs_cpu_double", num(speedUpOverCpu(Precision.DOUBLE)));
            m.put("flops_per_iter", flops());
            m.put("bytes_per_iter", bytes());
            m.put("gflops", num(flops() / (millis() * 1e6)));
            m.put("gbs", num(bytes() / (millis() * 1e6)));
            m.put("limit_ms", num(limitMillis()));
            m.put("percent_of_limit", num(percentOfLimit()));
            m.put("bound", bound());
            m.put("lower_bound", result == null ? null : result.toMap().get("lower_bound"));
            m.put("error", error);
            return m;
        }
    }

    /**
     * @return the table: one block per problem shape (covariance, D, K), a line per N and backend, then the peaks
     *     and, when there is no OpenCL row, the reason
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "emgmm bench --compare: median ms per EM iteration (%d timed after %d "
                + "warm-up, seed %d); speed-up = CPU time / this time; %% of limit = the model's least time "
                + "max(flops/peak GFLOP/s, bytes/peak GB/s) / measured time%n", settings.iters, settings.warmup,
                settings.seed));
        String shape = null;
        for (Row r : rows) {
            if (!r.problem.shape().equals(shape)) {
                shape = r.problem.shape();
                sb.append(String.format(Locale.ROOT, "%n%s%n%10s  %-15s %10s %11s %11s %9s %8s %15s  %s%n", shape,
                        "N", "backend", "ms/iter", "vs CPU same", "vs CPU f64", "GFLOP/s", "GB/s", "% limit (model)",
                        "bound"));
            }
            if (r.error != null) {
                sb.append(String.format(Locale.ROOT, "%10d  %-15s failed: %s%n", r.problem.n, r.target.name(),
                        r.error));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%10d  %-15s %10.3f %10.2fx %10.2fx %9.2f %8.2f %14.1f%%  %s%n",
                    r.problem.n, r.target.name(), r.millis(), r.speedUpOverCpu(r.target.precision),
                    r.speedUpOverCpu(Precision.DOUBLE), r.flops() / (r.millis() * 1e6),
                    r.bytes() / (r.millis() * 1e6), r.percentOfLimit(), r.bound()));
        }
        sb.append(String.format(Locale.ROOT, "%nPeaks of the model (change with --peak-gflops / --peak-gbs "
                + "TARGET[:PRECISION]=VALUE):%n"));
        for (Comparison.Target t : targets) {
            sb.append(String.format(Locale.ROOT, "  %-15s %s%n  %15s %.1f GFLOP/s (%s); %.1f GB/s (%s)%n", t.name(),
                    t.device, "", t.peakGflops, t.gflopsSource, t.peakGbs, t.gbsSource));
        }
        if (openClReason != null) {
            sb.append("No OpenCL rows: ").append(openClReason).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /**
     * @return the report as an ordered map: format, version, iters, warmup, seed, threads, java, opencl
     *     ({available, reason}), targets (label, precision, device, peak_gflops, peak_gflops_source, peak_gbs,
     *     peak_gbs_source), results (one map per row)
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", 1);
        m.put("iters", settings.iters);
        m.put("warmup", settings.warmup);
        m.put("seed", settings.seed);
        m.put("threads", settings.threads == 0 ? Runtime.getRuntime().availableProcessors() : settings.threads);
        m.put("java", System.getProperty("java.version"));
        Map<String, Object> cl = new LinkedHashMap<>();
        cl.put("available", openClReason == null);
        cl.put("reason", openClReason);
        m.put("opencl", cl);
        List<Map<String, Object>> ts = new ArrayList<>();
        for (Comparison.Target t : targets) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("target", t.label);
            tm.put("precision", t.precision.name().toLowerCase(Locale.ROOT));
            tm.put("device", t.device);
            tm.put("peak_gflops", num(t.peakGflops));
            tm.put("peak_gflops_source", t.gflopsSource);
            tm.put("peak_gbs", num(t.peakGbs));
            tm.put("peak_gbs_source", t.gbsSource);
            ts.add(tm);
        }
        m.put("targets", ts);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Row r : rows) {
            rs.add(r.toMap());
        }
        m.put("results", rs);
        return m;
    }

    /** @return {@link #toMap()} as one indented JSON document */
    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the comparison as JSON", e);
        }
    }

    /** JSON has no NaN or infinity: they become null. */
    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}

package org.emgmm.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.emgmm.config.Precision;

/**
 * The performance model of {@code emgmm bench --compare}: a roofline. One iteration needs F floating-point operations
 * ({@link BenchRunner#flopsPerIteration}) and reads B bytes (the data once: N·D·4 in float, N·D·8 in double); a
 * backend with peak P GFLOP/s and bandwidth W GB/s cannot take less than max(F / P, B / W). "% of limit" is that time
 * over the measured one.
 *
 * <p>Peaks of an OpenCL device, from what OpenCL reports (rough; override with {@code --peak-gflops}):
 * compute units × lanes per unit × 2 (an FMA is 2 operations) × CL_DEVICE_MAX_CLOCK_FREQUENCY, with lanes per unit
 * from {@link #lanesPerUnit}. Its bandwidth is the measured device-to-device copy rate (OpenCL reports none;
 * override with {@code --peak-gbs}). The CPU backend's peaks are measured where it runs ({@link CpuPeak}).
 */
public final class PeakModel {
    private PeakModel() {
    }

    /**
     * Lanes per compute unit of the model, for one precision.
     * <ul>
     * <li>CPU devices (PoCL: one compute unit per hardware thread): the native vector width × 2 (two FMA pipes per
     * core, as on current x86 and Arm server cores).</li>
     * <li>NVIDIA GPUs (compute unit = SM): 128 float lanes, 64 on V100, A100/A800/A30, P100, T4 and Turing; double
     * is half of float on the data-centre parts (P100, V100, A100, A30, H100/H200/H800, B100/B200), 1/64 on
     * others.</li>
     * <li>AMD GPUs (compute unit = CU): 64 float lanes; double equal on MI200/MI300, half on MI50/MI60/MI100, 1/16 on
     * others.</li>
     * <li>Intel GPUs (compute unit = EU): 8 float lanes; double 1/4 where present.</li>
     * <li>Other devices: 64 float lanes, double 1/2.</li>
     * </ul>
     *
     * @param type GPU, CPU, ACCELERATOR or OTHER (as {@code DeviceInfo.type()})
     * @param vendor device vendor
     * @param name device name
     * @param precision arithmetic
     * @param widthFloat CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT
     * @param widthDouble CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE
     * @return lanes (FMA per clock) per compute unit
     */
    public static double lanesPerUnit(String type, String vendor, String name, Precision precision, int widthFloat,
                                      int widthDouble) {
        String v = vendor.toUpperCase(Locale.ROOT);
        String n = name.toUpperCase(Locale.ROOT);
        boolean dbl = precision == Precision.DOUBLE;
        if ("CPU".equals(type)) {
            return 2.0 * Math.max(1, dbl ? widthDouble : widthFloat);
        }
        if (!"GPU".equals(type)) {
            return dbl ? 32 : 64;
        }
        if (v.contains("NVIDIA")) {
            double f = n.matches(".*(A100|A800|A30\\b|V100|P100|TITAN V|TESLA T4|\\bT4\\b|RTX 20|TITAN RTX|QUADRO RTX"
                    + "|GTX 16).*") ? 64 : 128;
            boolean dataCentre = n.matches(".*(P100|V100|TITAN V|A100|A800|A30\\b|H100|H200|H800|GH200|B100|B200).*");
            return dbl ? f / (dataCentre ? 2 : 64) : f;
        }
        if (v.contains("AMD") || v.contains("ADVANCED MICRO")) {
            double ratio = n.matches(".*(MI2|MI3|GFX90A|GFX94).*") ? 1 : n.matches(".*(MI50|MI60|MI100|GFX906|GFX908).*")
                    ? 0.5 : 1.0 / 16;
            return dbl ? 64 * ratio : 64;
        }
        if (v.contains("INTEL")) {
            return dbl ? 2 : 8;
        }
        return dbl ? 32 : 64;
    }

    /**
     * The model's peak of an OpenCL device: units × lanes × 2 × clock.
     *
     * @param computeUnits CL_DEVICE_MAX_COMPUTE_UNITS
     * @param lanesPerUnit from {@link #lanesPerUnit}
     * @param clockMhz CL_DEVICE_MAX_CLOCK_FREQUENCY
     * @return GFLOP/s, NaN when the clock is unknown (0)
     */
    public static double deviceGflops(int computeUnits, double lanesPerUnit, int clockMhz) {
        if (clockMhz <= 0 || computeUnits <= 0) {
            return Double.NaN;
        }
        return computeUnits * lanesPerUnit * 2.0 * clockMhz / 1000.0;
    }

    /**
     * @param n rows
     * @param d features
     * @param precision arithmetic (the data is held in it)
     * @return bytes read per iteration: the data once
     */
    public static double bytesPerIteration(long n, int d, Precision precision) {
        return (double) n * d * (precision == Precision.FLOAT ? 4 : 8);
    }

    /**
     * The least time the roofline allows, in milliseconds.
     *
     * @param flops operations per iteration
     * @param bytes bytes per iteration
     * @param peakGflops peak GFLOP/s (NaN: unknown, not counted)
     * @param peakGbs peak GB/s (NaN: unknown, not counted)
     * @return max(flops / peak, bytes / bandwidth) in ms; NaN when both peaks are unknown
     */
    public static double limitMillis(double flops, double bytes, double peakGflops, double peakGbs) {
        double a = flops / (peakGflops * 1e6);
        double b = bytes / (peakGbs * 1e6);
        if (Double.isNaN(a)) {
            return b;
        }
        return Double.isNaN(b) ? a : Math.max(a, b);
    }

    /**
     * Parses {@code --peak-gflops} / {@code --peak-gbs}: comma-separated {@code TARGET[:PRECISION]=VALUE}, TARGET
     * {@code cpu} or {@code openclI} (I a device index of {@code emgmm devices}), PRECISION {@code float} or
     * {@code double} (both when left out), VALUE a positive number.
     *
     * @param option the option's name, for messages
     * @param text the value, or null
     * @return keys "TARGET:precision" to values, in the order given
     * @throws IllegalArgumentException naming the option and the bad entry
     */
    public static Map<String, Double> parseOverrides(String option, String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",", -1)) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            String bad = option + ": '" + e + "' is not TARGET[:float|double]=VALUE (TARGET cpu or opencl0, "
                    + "opencl1, ...; VALUE a positive number), e.g. " + option + " cpu=150,opencl0:float=60000";
            if (eq <= 0) {
                throw new IllegalArgumentException(bad);
            }
            String key = e.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            double value;
            try {
                value = Double.parseDouble(e.substring(eq + 1).trim());
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException(bad, x);
            }
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(bad);
            }
            String target = key;
            String prec = null;
            int colon = key.indexOf(':');
            if (colon >= 0) {
                target = key.substring(0, colon);
                prec = key.substring(colon + 1);
                if (!prec.equals("float") && !prec.equals("double")) {
                    throw new IllegalArgumentException(bad);
                }
            }
            if (!target.equals("cpu") && !target.matches("opencl[0-9]+")) {
                throw new IllegalArgumentException(bad);
            }
            if (prec == null || prec.equals("float")) {
                out.put(target + ":float", value);
            }
            if (prec == null || prec.equals("double")) {
                out.put(target + ":double", value);
            }
        }
        return out;
    }
}

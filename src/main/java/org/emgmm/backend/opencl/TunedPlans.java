package org.emgmm.backend.opencl;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.emgmm.config.BackendSettings;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tuned plans of one device, read from the {@link TuningCache} when a backend opens, and how they combine with
 * an explicit {@link PlanOverride} and the device class's defaults into a {@link KernelPlan}: explicit values win,
 * then tuned ones, then the defaults. Immutable.
 */
final class TunedPlans {
    private static final Logger LOG = LoggerFactory.getLogger(TunedPlans.class);
    /** No tuned plans (the cache disabled, or a backend opened in code). */
    static final TunedPlans NONE = new TunedPlans(null, Map.of());

    private final Path file;
    private final Map<String, TuningCache.Entry> byClass;

    private TunedPlans(Path file, Map<String, TuningCache.Entry> byClass) {
        this.file = file;
        this.byClass = byClass;
    }

    /**
     * @param s settings (whether to read the cache, and which file)
     * @param d the device
     * @return the device's current entries of the cache the settings name; {@link #NONE} when disabled
     */
    static TunedPlans of(BackendSettings s, DeviceInfo d) {
        if (!s.tuningCacheEnabled()) {
            return NONE;
        }
        Path p = s.tuningCache() != null ? s.tuningCache() : TuningCache.defaultPath();
        return of(TuningCache.read(p), TuningCache.DeviceKey.of(d));
    }

    /**
     * @param cache a read cache (warns once when it is malformed or stale for this device)
     * @param key the device
     * @return its current entries
     */
    static TunedPlans of(TuningCache cache, TuningCache.DeviceKey key) {
        return new TunedPlans(cache.path(), cache.forDevice(key, LOG::warn));
    }

    /** @return the tuned entry for this shape class, or null */
    TuningCache.Entry entry(ShapeClass c) {
        return byClass.get(c.key());
    }

    /**
     * The plan of one pass: explicit override, then the tuned entry of the shape's class, then the defaults.
     *
     * @param dev device
     * @param precision precision
     * @param n rows
     * @param d features
     * @param k components
     * @param type covariance type
     * @param weighted whether rows carry weights
     * @param cap device-memory cap in bytes (0 = none)
     * @param allocCap largest data buffer in bytes (0 = the device's own limit)
     * @param override explicit choices
     * @return the plan, whose {@code source} says where its tunables came from
     */
    KernelPlan plan(DeviceInfo dev, Precision precision, long n, int d, int k, CovarianceType type, boolean weighted,
                    long cap, long allocCap, PlanOverride override) {
        ShapeClass c = ShapeClass.of(type, precision, d, k);
        TuningCache.Entry e = entry(c);
        if (e == null) {
            return KernelPlan.of(dev, precision, n, d, k, type, weighted, cap, allocCap, override);
        }
        String from = String.format(Locale.ROOT, "tuning cache %s [%s]", file, c.key());
        return KernelPlan.of(dev, precision, n, d, k, type, weighted, cap, allocCap, override.orElse(e.override()),
                override.isNone() ? from : "override + " + from);
    }
}

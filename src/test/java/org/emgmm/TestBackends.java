package org.emgmm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.Precision;

/**
 * The backends every contract test runs on, as named factories (Commons RNG's {@code ProvidersList} idea): a
 * contract test is a {@code @ParameterizedTest @MethodSource("org.emgmm.TestBackends#all")} taking a
 * {@link NamedBackend}, so a new backend joins every contract test by being listed here.
 */
public final class TestBackends {

    private TestBackends() {
    }

    /** A backend under test: a display name, its precision, and a factory that opens a fresh instance. */
    public static final class NamedBackend {
        private final String name;
        private final Precision precision;
        private final Supplier<Backend> factory;

        /**
         * @param name display name, shown in the test report
         * @param precision the precision of its per-sample pass (chooses the tolerances)
         * @param factory opens a new backend; the caller closes it
         */
        public NamedBackend(String name, Precision precision, Supplier<Backend> factory) {
            this.name = Objects.requireNonNull(name);
            this.precision = Objects.requireNonNull(precision);
            this.factory = Objects.requireNonNull(factory);
        }

        /** @return the display name */
        public String name() {
            return name;
        }

        /** @return the precision of the per-sample pass */
        public Precision precision() {
            return precision;
        }

        /** @return a freshly opened backend, to be closed by the caller */
        public Backend open() {
            return factory.get();
        }

        /** @return the tolerances of this backend's precision */
        public Tolerances tolerances() {
            return Tolerances.of(precision);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** @return every backend under test: the CPU backends, then the OpenCL ones (if any) */
    public static Stream<NamedBackend> all() {
        List<NamedBackend> out = new ArrayList<>(cpuBackends());
        out.addAll(openclBackends());
        return out.stream();
    }

    /** @return the backends under test that compute in double */
    public static Stream<NamedBackend> doubles() {
        return all().filter(b -> b.precision() == Precision.DOUBLE);
    }

    /**
     * @return the CPU backends: double with 1 thread and all threads, float with all threads (each on the Vector API
     *     kernels where the JVM has them, else the plain-Java ones), and the plain-Java kernels in both precisions
     */
    public static List<NamedBackend> cpuBackends() {
        return List.of(
                new NamedBackend("cpu-double-1thread", Precision.DOUBLE, () -> new CpuBackend(1, Precision.DOUBLE)),
                new NamedBackend("cpu-double-allthreads", Precision.DOUBLE,
                        () -> new CpuBackend(0, Precision.DOUBLE)),
                new NamedBackend("cpu-float-allthreads", Precision.FLOAT, () -> new CpuBackend(0, Precision.FLOAT)),
                new NamedBackend("cpu-double-plain", Precision.DOUBLE,
                        () -> new CpuBackend(0, Precision.DOUBLE, false)),
                new NamedBackend("cpu-float-plain", Precision.FLOAT, () -> new CpuBackend(0, Precision.FLOAT, false)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // OPENCL BACKENDS — owned by the OpenCL engineer, who may edit only this method. Return one NamedBackend per
    // OpenCL configuration to test (e.g. double and float on the first device), and an EMPTY list when no OpenCL
    // device is present, so the suite still passes on machines without one. Keep the CPU path free of JOCL
    // classes: open the backend inside the Supplier.
    // ------------------------------------------------------------------------------------------------------------
    /** @return the OpenCL backends under test; empty where none is available */
    public static List<NamedBackend> openclBackends() {
        // Fully qualified names keep the CPU-only path free of JOCL until this method runs.
        String why;
        try {
            List<org.emgmm.backend.opencl.DeviceInfo> all = org.emgmm.backend.opencl.OpenClBackend.devices();
            if (!all.isEmpty()) {
                org.emgmm.backend.opencl.DeviceInfo dev = all.stream()
                        .filter(org.emgmm.backend.opencl.DeviceInfo::isGpu).findFirst().orElse(all.get(0));
                List<NamedBackend> out = new ArrayList<>();
                if (dev.fp64()) {
                    out.add(new NamedBackend("opencl-double", Precision.DOUBLE,
                            () -> org.emgmm.backend.opencl.OpenClBackend.create(dev, Precision.DOUBLE, 0)));
                }
                out.add(new NamedBackend("opencl-float", Precision.FLOAT,
                        () -> org.emgmm.backend.opencl.OpenClBackend.create(dev, Precision.FLOAT, 0)));
                return out;
            }
            why = "no OpenCL platform found";
        } catch (RuntimeException | LinkageError e) {
            why = "OpenCL unavailable: " + e.getMessage();
        }
        if ("1".equals(System.getenv("EMGMM_REQUIRE_OPENCL"))) {
            String reason = why;
            return List.of(new NamedBackend("opencl-required-but-missing", Precision.DOUBLE, () -> {
                throw new IllegalStateException(reason + " (EMGMM_REQUIRE_OPENCL=1 requires OpenCL)");
            }));
        }
        return List.of();
    }
}

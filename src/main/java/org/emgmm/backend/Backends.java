package org.emgmm.backend;

import java.util.List;
import java.util.ServiceLoader;
import org.emgmm.config.BackendKind;
import org.emgmm.config.BackendSettings;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and opens a backend. Backends are found through one mechanism, {@link ServiceLoader} over
 * {@link BackendProvider} (each backend package registers its provider in {@code META-INF/services}), so this
 * package depends on no backend. The CPU path never loads a JOCL class: the OpenCL provider is asked only when
 * {@code opencl} is asked for or {@code auto} considers a GPU, and it touches OpenCL only then.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    /** Under {@code auto}, a scoring pass goes to a GPU only from this N·K·D on (as the fit's threshold). */
    private static final double AUTO_MIN_SCORING_WORK = 10_000_000;

    private Backends() {
    }

    /** A backend and the warning, if any, that choosing it produced (an {@code auto} fallback). */
    public static final class Choice {
        private final Backend backend;
        private final String warning;

        /**
         * @param backend the opened backend
         * @param warning the fallback warning, or null
         */
        public Choice(Backend backend, String warning) {
            this.backend = backend;
            this.warning = warning;
        }

        /** @return the opened backend; the caller closes it */
        public Backend backend() {
            return backend;
        }

        /** @return the fallback warning, or null */
        public String warning() {
            return warning;
        }
    }

    /**
     * Opens the backend the settings ask for.
     *
     * @param s settings (backend kind, precision, threads, device, memory cap)
     * @param data the data to fit, so {@code auto} can judge whether a GPU pays off
     * @return the backend and any fallback warning
     * @throws IllegalStateException when an explicit {@code opencl} backend cannot be opened (the message says why)
     */
    public static Choice open(BackendSettings s, Dataset data) {
        switch (s.backend()) {
            case CPU:
                return new Choice(cpu(s), null);
            case OPENCL:
                try {
                    return new Choice(openOpenCl(s, data, false), null);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("the OpenCL backend failed: " + e.getMessage(), e);
                }
            default:
                if (!s.openClDiscovery()) {
                    return new Choice(cpu(s), null);
                }
                try {
                    Backend b = openOpenCl(s, data, true);
                    if (b != null) {
                        return new Choice(b, null);
                    }
                    return new Choice(cpu(s), null);
                } catch (RuntimeException | LinkageError e) {
                    String warning = "OpenCL unavailable (" + oneLine(e) + "); using the CPU backend";
                    LOG.warn(warning);
                    return new Choice(cpu(s), warning);
                }
        }
    }

    /**
     * Opens the backend for scoring passes only ({@link Backend#scorer}): as {@link #open}, but an OpenCL backend
     * is opened without preparing a fit's pass, and {@code auto} picks a GPU only when the scoring work
     * N·K·D reaches {@code OpenClBackend.AUTO_MIN_WORK}.
     *
     * @param s settings (backend kind, precision, threads, device, k and covariance type of the model)
     * @param data the data to score
     * @return the backend and any fallback warning
     * @throws IllegalStateException when an explicit {@code opencl} backend cannot be opened
     */
    public static Choice openForScoring(BackendSettings s, Dataset data) {
        switch (s.backend()) {
            case CPU:
                return new Choice(cpu(s), null);
            case OPENCL:
                try {
                    return new Choice(openOpenCl(s, null, false), null);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException("the OpenCL backend failed: " + e.getMessage(), e);
                }
            default:
                if ((double) data.rows() * s.k() * data.dims() < AUTO_MIN_SCORING_WORK) {
                    return new Choice(cpu(s), null);
                }
                try {
                    Backend b = openOpenCl(s, null, true);
                    return new Choice(b != null ? b : cpu(s), null);
                } catch (RuntimeException | LinkageError e) {
                    String warning = "OpenCL unavailable (" + oneLine(e) + "); using the CPU backend";
                    LOG.warn(warning);
                    return new Choice(cpu(s), warning);
                }
        }
    }

    /**
     * Opens the OpenCL backend through its provider, which also compiles the kernels and uploads the data for the fit
     * to come, so that those failures fall back under auto too; under auto mode it returns null when no GPU is worth
     * using (not a failure).
     */
    private static Backend openOpenCl(BackendSettings s, Dataset data, boolean auto) {
        return provider(BackendKind.OPENCL).open(s, data, auto);
    }

    private static Backend cpu(BackendSettings s) {
        return provider(BackendKind.CPU).open(s, null, false);
    }

    /**
     * A CPU backend, for scoring passes outside a fit.
     *
     * @param threads worker threads, 0 for all cores
     * @param precision per-sample arithmetic precision
     * @return the backend; the caller closes it
     */
    public static Backend cpu(int threads, Precision precision) {
        return cpu(BackendSettings.of(1, CovarianceType.FULL,
                ExecutionSettings.builder().backend(BackendKind.CPU).threads(threads).precision(precision).build()));
    }

    /**
     * The devices a kind of backend can run on ({@code emgmm devices}).
     *
     * @param kind {@link BackendKind#CPU} or {@link BackendKind#OPENCL}
     * @return one line per device, in words; empty when none is found
     * @throws IllegalStateException when that backend is not part of this build
     * @throws RuntimeException or {@link LinkageError} when its runtime cannot be used (no OpenCL library)
     */
    public static List<String> devices(BackendKind kind) {
        return provider(kind).devices();
    }

    /**
     * The GPU devices of a kind of backend (Spark maps a task's {@code gpu} resource onto them).
     *
     * @param kind {@link BackendKind#CPU} or {@link BackendKind#OPENCL}
     * @return the {@code --device} indices of its GPUs, in order; empty when none
     * @throws IllegalStateException when that backend is not part of this build
     * @throws RuntimeException or {@link LinkageError} when its runtime cannot be used (no OpenCL library)
     */
    public static List<Integer> gpuDevices(BackendKind kind) {
        return provider(kind).gpuDevices();
    }

    /**
     * @param kind CPU or OPENCL
     * @return whether a provider of that kind is registered (creates providers, loads nothing native)
     */
    public static boolean isAvailable(BackendKind kind) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.kind() == kind) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param kind CPU or OPENCL
     * @return the registered provider of that kind (providers before it in the services file are created, which
     *     loads nothing native)
     * @throws IllegalStateException when none is registered
     */
    static BackendProvider provider(BackendKind kind) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.kind() == kind) {
                return p;
            }
        }
        throw new IllegalStateException("the " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " backend is not part of this build");
    }

    /**
     * The cause of a failed task, to rethrow: itself when unchecked (an {@link Error} is thrown
     * from here), else wrapped in an {@link IllegalStateException}.
     *
     * @param cause the failure
     * @return the exception to throw
     */
    public static RuntimeException unchecked(Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IllegalStateException(cause);
    }

    /** @return the exception's message on one line, with its type when it has none */
    public static String oneLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ').trim();
    }
}

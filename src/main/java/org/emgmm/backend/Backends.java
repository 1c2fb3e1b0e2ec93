package org.emgmm.backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.emgmm.BackendKind;
import org.emgmm.GmmSettings;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.data.Dataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and opens a backend. The CPU path never loads a JOCL class: the OpenCL backend is reached by reflection,
 * only when asked for or when {@code auto} finds it worthwhile.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static final String OPENCL_CLASS = "org.emgmm.backend.opencl.OpenClBackend";
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
    public static Choice open(GmmSettings s, Dataset data) {
        switch (s.backend()) {
            case CPU:
                return new Choice(new CpuBackend(s.threads(), s.precision()), null);
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
                    return new Choice(new CpuBackend(s.threads(), s.precision()), null);
                }
                try {
                    Backend b = openOpenCl(s, data, true);
                    if (b != null) {
                        return new Choice(b, null);
                    }
                    return new Choice(new CpuBackend(s.threads(), s.precision()), null);
                } catch (RuntimeException | LinkageError e) {
                    String warning = "OpenCL unavailable (" + oneLine(e) + "); using the CPU backend";
                    LOG.warn(warning);
                    return new Choice(new CpuBackend(s.threads(), s.precision()), warning);
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
    public static Choice openForScoring(GmmSettings s, Dataset data) {
        switch (s.backend()) {
            case CPU:
                return new Choice(new CpuBackend(s.threads(), s.precision()), null);
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
                    return new Choice(new CpuBackend(s.threads(), s.precision()), null);
                }
                try {
                    Backend b = openOpenCl(s, null, true);
                    return new Choice(b != null ? b : new CpuBackend(s.threads(), s.precision()), null);
                } catch (RuntimeException | LinkageError e) {
                    String warning = "OpenCL unavailable (" + oneLine(e) + "); using the CPU backend";
                    LOG.warn(warning);
                    return new Choice(new CpuBackend(s.threads(), s.precision()), warning);
                }
        }
    }

    /**
     * Calls {@code OpenClBackend.open(GmmSettings, Dataset, boolean autoMode)}, which also compiles the kernels and
     * uploads the data for the fit to come, so that those failures fall back under auto too; under auto mode it
     * returns null when no GPU is worth using (not a failure).
     */
    private static Backend openOpenCl(GmmSettings s, Dataset data, boolean auto) {
        try {
            Class<?> c = Class.forName(OPENCL_CLASS);
            Method m = c.getMethod("open", GmmSettings.class, Dataset.class, boolean.class);
            return (Backend) m.invoke(null, s, data, auto);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("the OpenCL backend is not part of this build", e);
        } catch (InvocationTargetException e) {
            throw unchecked(e.getCause());
        }
    }

    /**
     * The cause of a failed reflective call or task, to rethrow: itself when unchecked (an {@link Error} is thrown
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

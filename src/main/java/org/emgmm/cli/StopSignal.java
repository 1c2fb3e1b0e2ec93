package org.emgmm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT, SIGTERM) during a fit: a JVM shutdown hook raises a flag the fit polls between iterations
 * ({@link org.emgmm.FitListener#stopRequested()}), then holds the JVM open until the command has written its
 * output (the best model so far, marked not converged) and {@link #close() closed} this signal.
 */
public final class StopSignal implements AutoCloseable {
    /** How long the shutdown hook waits for the command to write its output. */
    static final long GRACE_SECONDS = 60;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal(boolean installHook) {
        if (installHook) {
            hook = new Thread(this::onShutdown, "emgmm-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        } else {
            hook = null;
        }
    }

    /** @return a signal with a shutdown hook installed until {@link #close()} */
    public static StopSignal install() {
        return new StopSignal(true);
    }

    /** @return a signal without a hook, raised only by {@link #request()} (tests, embedding) */
    public static StopSignal manual() {
        return new StopSignal(false);
    }

    private void onShutdown() {
        requested.set(true);
        try {
            done.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the running fit to stop after its current iteration. */
    public void request() {
        requested.set(true);
    }

    /** @return whether a stop was asked for */
    public boolean requested() {
        return requested.get();
    }

    /** The command has finished writing: release a waiting shutdown hook, or remove the hook. */
    @Override
    public void close() {
        done.countDown();
        if (hook != null && !requested.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook returns now that done is counted down
            }
        }
    }
}

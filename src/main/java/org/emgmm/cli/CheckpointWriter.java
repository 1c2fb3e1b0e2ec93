package org.emgmm.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.emgmm.FitListener;
import org.emgmm.FitState;

/**
 * {@code fit --checkpoint}: passes everything on to another listener (the progress display) and saves the fit's
 * state ({@link FitState#save}: atomic and durable, so the file always holds a whole checkpoint) after an iteration
 * when at least {@code --checkpoint-every} seconds have passed since the last save. The first state, the last state
 * of a finished fit and the state at which a stop (Ctrl-C) is requested are always saved.
 *
 * <p>Saving (the JSON text, the write and the sync: about 25 ms for K = D = 16 full) happens on a background
 * thread, so the fit does not wait for it: when states come faster than they can be written, the newest one waiting
 * replaces an older one, and the file lags by at most the one being written. States are immutable, so this changes
 * nothing in them. {@link #close()} waits for the last save and reports a failed one.
 */
final class CheckpointWriter implements FitListener, AutoCloseable {
    private final FitListener inner;
    private final Path path;
    private final long everyNanos;
    private final LongSupplier clock;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "emgmm-checkpoint");
        t.setDaemon(true);
        return t;
    });
    private long lastSave;
    private int saves;
    /** Guarded by this: the newest state not yet written, whether the writer thread runs, its failure. */
    private FitState pending;
    private boolean busy;
    private IOException failure;

    /**
     * @param inner the listener everything else goes to
     * @param path the checkpoint file
     * @param everySeconds least seconds between two saves; 0 saves after every iteration
     */
    CheckpointWriter(FitListener inner, Path path, double everySeconds) {
        this(inner, path, everySeconds, System::nanoTime);
    }

    /** As above, with the clock given (tests). */
    CheckpointWriter(FitListener inner, Path path, double everySeconds, LongSupplier clock) {
        this.inner = inner;
        this.path = path;
        this.everyNanos = (long) Math.min(Long.MAX_VALUE / 2, everySeconds * 1e9);
        this.clock = clock;
    }

    /** @return how many checkpoints were saved */
    int saves() {
        return saves;
    }

    @Override
    public void checkpoint(FitState state) {
        inner.checkpoint(state);
        long now = clock.getAsLong();
        if (saves > 0 && now - lastSave < everyNanos && !state.finished() && !inner.stopRequested()) {
            return;
        }
        offer(state);
        lastSave = now;
        saves++;
    }

    private synchronized void offer(FitState state) {
        throwIfFailed();
        if (saves == 0) {
            removeStaleTemporaries();
        }
        pending = state;
        if (!busy) {
            busy = true;
            io.execute(this::drain);
        }
    }

    /**
     * A process killed while saving leaves its temporary file ({@code .NAME.*.tmp}, see AtomicFiles) beside the
     * checkpoint; the fit that now owns the checkpoint removes such leftovers.
     */
    private void removeStaleTemporaries() {
        Path abs = path.toAbsolutePath();
        String prefix = "." + abs.getFileName() + ".";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs.getParent(), prefix + "*.tmp")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover is untidy, not wrong
        }
    }

    /** On the writer thread: writes the newest pending state until none is left. */
    private void drain() {
        while (true) {
            FitState s;
            synchronized (this) {
                s = pending;
                pending = null;
                if (s == null || failure != null) {
                    busy = false;
                    notifyAll();
                    return;
                }
            }
            try {
                s.save(path);
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failure = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
                }
            }
        }
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw new IllegalStateException("cannot write the checkpoint '" + path + "': "
                    + Main.describe(failure), failure);
        }
    }

    /**
     * Waits until every offered state is written.
     *
     * @throws IllegalStateException naming the file when a save failed
     */
    synchronized void flush() {
        boolean interrupted = false;
        while (busy) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwIfFailed();
    }

    /** Waits for the last save (see {@link #flush()}) and stops the writer thread. */
    @Override
    public void close() {
        try {
            flush();
        } finally {
            io.shutdown();
        }
    }

    @Override
    public void initStarted(int init, int nInit) {
        inner.initStarted(init, nInit);
    }

    @Override
    public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
        inner.iteration(init, iteration, lowerBound, change, nanos);
    }

    @Override
    public void event(String message) {
        inner.event(message);
    }

    @Override
    public boolean stopRequested() {
        return inner.stopRequested();
    }
}

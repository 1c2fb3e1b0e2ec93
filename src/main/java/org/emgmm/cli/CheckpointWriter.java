package org.emgmm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.emgmm.FitListener;
import org.emgmm.FitState;

/**
 * {@code fit --checkpoint}: passes everything on to another listener (the progress display) and saves the fit's
 * state ({@link FitState#save}: atomic and durable, so the file always holds a whole checkpoint) after an iteration
 * when at least {@code --checkpoint-every} seconds have passed since the last save. The first state, the last state
 * of a finished fit and the state at which a stop (Ctrl-C) is requested are always saved.
 */
final class CheckpointWriter implements FitListener {
    private final FitListener inner;
    private final Path path;
    private final long everyNanos;
    private final LongSupplier clock;
    private long lastSave;
    private int saves;

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
        try {
            state.save(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the checkpoint '" + path + "': " + Main.describe(e), e);
        }
        lastSave = now;
        saves++;
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

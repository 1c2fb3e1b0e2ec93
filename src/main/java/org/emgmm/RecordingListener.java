package org.emgmm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the progress events of a fit that runs on another thread (a candidate of a selection, a restart of a fit
 * whose restarts run together), to be replayed on the caller's listener, on the caller's thread, in order; a stop
 * request is read from that listener as it happens. Checkpoints are not kept (such fits do not checkpoint).
 */
final class RecordingListener implements FitListener {
    private final FitListener target;
    private final List<Consumer<FitListener>> events = new ArrayList<>();

    RecordingListener(FitListener target) {
        this.target = target;
    }

    @Override
    public void initStarted(int init, int nInit) {
        events.add(l -> l.initStarted(init, nInit));
    }

    @Override
    public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
        events.add(l -> l.iteration(init, iteration, lowerBound, change, nanos));
    }

    @Override
    public void event(String message) {
        events.add(l -> l.event(message));
    }

    @Override
    public boolean stopRequested() {
        return target.stopRequested();
    }

    /** Hands every kept event to the target listener, in the order they happened. */
    void replay() {
        events.forEach(e -> e.accept(target));
    }
}

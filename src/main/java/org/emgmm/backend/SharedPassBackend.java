package org.emgmm.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;

/**
 * A view of a backend under which fits running on several threads share their passes over one dataset: every
 * {@link Pass} it prepares over that dataset is a member of one group, and a member's {@link Pass#accumulate}
 * waits until every member of the group has asked for its E step; then one {@link MultiPass} serves them all, in
 * one read of the data, and each gets the statistics its own pass would have given (bit for bit, see
 * {@link Backend#prepareMulti}). A member that closes (its fit converged or stopped) leaves the group; the others
 * go on without it. Passes over another dataset, scoring, and everything else go to the backend as they are.
 *
 * <p>Each member must be driven by its own thread, and a thread holding an open member must keep asking for
 * E steps until it closes it: the group waits for every member.
 */
public final class SharedPassBackend implements Backend {
    private final Backend backend;
    private final Dataset data;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Member> members = new ArrayList<>();
    private MultiPass multi;
    private boolean running;
    private long passes;
    private long modelPasses;

    /**
     * @param backend the backend that does the work (not closed by {@link #close})
     * @param data the dataset whose passes are shared
     */
    public SharedPassBackend(Backend backend, Dataset data) {
        if (backend == null || data == null) {
            throw new IllegalArgumentException("backend and data must not be null");
        }
        this.backend = backend;
        this.data = data;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public String device() {
        return backend.device();
    }

    @Override
    public Precision precision() {
        return backend.precision();
    }

    /** @return how many shared passes over the data have run so far */
    public long sharedPasses() {
        lock.lock();
        try {
            return passes;
        } finally {
            lock.unlock();
        }
    }

    /** @return how many models' E steps the shared passes have served so far (their sum of members) */
    public long modelPasses() {
        lock.lock();
        try {
            return modelPasses;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Pass prepare(Dataset d, int k, CovarianceType type) {
        if (d != data) {
            return backend.prepare(d, k, type);
        }
        if (k < 1 || type == null) {
            throw new IllegalArgumentException("k must be >= 1 and the covariance type not null");
        }
        Member m = new Member(k, type);
        lock.lock();
        try {
            members.add(m);
        } finally {
            lock.unlock();
        }
        return m;
    }

    @Override
    public Scorer scorer(Dataset d, int k, CovarianceType type) {
        return backend.scorer(d, k, type);
    }

    @Override
    public MultiPass prepareMulti(Dataset d) {
        return backend.prepareMulti(d);
    }

    /** Closes the shared multi-model pass; the backend stays open (its owner closes it). */
    @Override
    public void close() {
        lock.lock();
        try {
            if (multi != null) {
                multi.close();
                multi = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether every member waits for its E step (and no pass is running): the caller then runs the pass. */
    private boolean everyoneWaits() {
        if (running || members.isEmpty()) {
            return false;
        }
        for (Member m : members) {
            if (m.request == null) {
                return false;
            }
        }
        return true;
    }

    /** Runs one shared pass for every member (called with the lock held; released while the pass runs). */
    private void lead() {
        running = true;
        List<Member> batch = new ArrayList<>(members);
        Gaussians[] models = new Gaussians[batch.size()];
        for (int i = 0; i < models.length; i++) {
            models[i] = batch.get(i).request;
        }
        SufficientStatistics[] out = null;
        RuntimeException failure = null;
        lock.unlock();
        try {
            if (multi == null) {
                multi = backend.prepareMulti(data); // only the leader, one at a time, touches it
            }
            out = multi.accumulate(models);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            failure = new IllegalStateException("the shared E step failed: " + e, e);
        } finally {
            lock.lock();
        }
        for (int i = 0; i < batch.size(); i++) {
            Member m = batch.get(i);
            m.request = null;
            if (failure != null) {
                m.failure = failure;
            } else {
                m.result = out[i];
            }
        }
        passes++;
        modelPasses += batch.size();
        running = false;
        changed.signalAll();
    }

    /** One fit's pass: a member of the group. */
    private final class Member implements Pass {
        private final int k;
        private final CovarianceType type;
        private Gaussians request;
        private SufficientStatistics result;
        private RuntimeException failure;
        private boolean closed;

        Member(int k, CovarianceType type) {
            this.k = k;
            this.type = type;
        }

        @Override
        public SufficientStatistics accumulate(Gaussians params) {
            if (params.k != k || params.d != data.dims() || params.type != type) {
                throw new IllegalArgumentException("parameters of shape k=" + params.k + ", d=" + params.d + ", "
                        + params.type + " do not match the prepared pass (k=" + k + ", d=" + data.dims() + ", "
                        + type + ")");
            }
            lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("pass used after close");
                }
                result = null;
                failure = null;
                request = params;
                try {
                    while (result == null && failure == null) {
                        if (everyoneWaits()) {
                            lead();
                        } else {
                            changed.await();
                        }
                    }
                } catch (InterruptedException e) {
                    request = null;
                    closed = true; // out of the group: a pass running now may still hand it a result
                    members.remove(this);
                    changed.signalAll();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the shared E step", e);
                }
                SufficientStatistics r = result;
                RuntimeException f = failure;
                result = null;
                failure = null;
                if (f != null) {
                    throw f;
                }
                return r;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    members.remove(this);
                    changed.signalAll(); // the others may all be waiting for this one
                }
            } finally {
                lock.unlock();
            }
        }
    }
}

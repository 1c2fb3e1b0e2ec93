package org.emgmm.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A piece of a command's work on a thread of its own (writing the model file, formatting the summary) while the
 * command's thread does another: its result, or its failure as it was thrown, taken with {@link #get()}. The thread
 * is a daemon, so the command must take every result it started (or {@link #await()} it) before it returns: a
 * file is then never left half-written by the JVM's exit.
 *
 * @param <T> the result
 */
final class Background<T> {
    private final FutureTask<T> task;

    private Background(Callable<T> work) {
        this.task = new FutureTask<>(work);
    }

    /**
     * @param name the thread's name
     * @param work what it runs
     * @param <T> the result
     * @return the running work
     */
    static <T> Background<T> start(String name, Callable<T> work) {
        Background<T> b = new Background<>(work);
        Thread t = new Thread(b.task, name);
        t.setDaemon(true);
        t.start();
        return b;
    }

    /**
     * Waits for the work to end.
     *
     * @return its result
     * @throws IOException its own, rethrown
     */
    T get() throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the work of another thread", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Waits for the work to end, whether it succeeded or not (its failure is left to {@link #get()}). */
    void await() {
        boolean interrupted = false;
        while (true) {
            try {
                task.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the work is writing a file: wait for it all the same
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

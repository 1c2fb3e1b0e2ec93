package org.emgmm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.emgmm.ModelSelection;
import org.emgmm.config.CovarianceType;

/**
 * Progress of fits on stderr. On a terminal: one line per fit updated in place (iteration, lower bound, its change,
 * time per iteration, backend) with a bar across restarts and candidates. Otherwise plain lines: the first
 * iteration and then at most one a second, plus one line per finished initialisation. Quiet: nothing. Also carries
 * the Ctrl-C stop request to the fit and collects the events it reports.
 */
public final class Progress implements ModelSelection.Listener {
    /** How progress is shown. */
    public enum Mode {
        /** A live line redrawn in place. */
        TERMINAL,
        /** Plain lines, for logs and pipes. */
        PLAIN,
        /** Nothing. */
        QUIET
    }

    /**
     * System property: when "true", plain progress prints every iteration, not at most one a second (benchmarks
     * read the first iteration's time against the later ones from it: bench/sklearn/time-to-result.sh).
     */
    static final boolean EVERY_ITERATION = Boolean.getBoolean("emgmm.progress.everyIteration");
    private final Mode mode;
    private final PrintWriter err;
    private final StopSignal stop;
    private final int nInit;
    private final int candidates;
    private final List<String> events = new ArrayList<>();
    private String backend = "";
    private String backendShort = "";
    private String candidate = "";
    private int candidateIndex;
    private int currentInit;
    private int lastIter;
    private double lastLowerBound = Double.NaN;
    private long lastPlain;
    private long iterNanos;
    private int lineLength;
    private final int width = terminalWidth();
    private ModelSelection.Criterion criterion = ModelSelection.Criterion.BIC;
    private ModelSelection.Candidate bestSoFar;
    private int candidatesDone;

    /**
     * @param mode how to show progress
     * @param err where
     * @param stop the Ctrl-C signal to poll
     * @param nInit initialisations per fit
     * @param candidates number of fits (1 for fit, the candidate count for select)
     */
    public Progress(Mode mode, PrintWriter err, StopSignal stop, int nInit, int candidates) {
        this.mode = mode;
        this.err = err;
        this.stop = stop;
        this.nInit = nInit;
        this.candidates = candidates;
    }

    /**
     * @param quiet --quiet given
     * @return the mode for this process: terminal when a console is attached
     */
    public static Mode detect(boolean quiet) {
        if (quiet) {
            return Mode.QUIET;
        }
        return System.console() != null ? Mode.TERMINAL : Mode.PLAIN;
    }

    /** @return the terminal width from $COLUMNS, or 80; one less, so the live line never wraps */
    private static int terminalWidth() {
        try {
            String c = System.getenv("COLUMNS");
            if (c != null) {
                return Math.max(40, Integer.parseInt(c.trim()) - 1);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        return 79;
    }

    /** @param name backend name and device, shown on each line */
    public void backend(String name) {
        backend = name;
        int paren = name.indexOf(" (");
        backendShort = paren > 0 ? name.substring(0, paren) : name;
    }

    /** @param c the criterion that chooses among candidates (BIC unless set), for the best-so-far report */
    public void criterion(ModelSelection.Criterion c) {
        criterion = c;
    }

    /** @return the finished candidate with the lowest criterion so far, or null */
    public ModelSelection.Candidate bestSoFar() {
        return bestSoFar;
    }

    /** @return events reported during the fits, in order */
    public List<String> events() {
        return events;
    }

    @Override
    public boolean stopRequested() {
        return stop.requested();
    }

    @Override
    public void candidateStarted(int index, int total, int k, CovarianceType type) {
        candidateIndex = index;
        candidate = "k=" + k + " " + type.jsonName();
    }

    @Override
    public void candidateFinished(ModelSelection.Candidate c) {
        finishInit();
        candidatesDone++;
        if (c.ok() && (bestSoFar == null || c.value(criterion) < bestSoFar.value(criterion))) {
            bestSoFar = c;
        }
        String best = bestSoFar == null ? "" : String.format(Locale.ROOT, "best so far k=%d %s, %s %.2f",
                bestSoFar.k(), bestSoFar.type().jsonName(), criterion, bestSoFar.value(criterion));
        if (mode == Mode.PLAIN) {
            String what = c.ok() ? String.format(Locale.ROOT, "BIC %.2f, AIC %.2f, %d iterations%s", c.bic(),
                    c.aic(), c.model().nIter(), c.model().converged() ? "" : ", not converged")
                    : "failed: " + c.error();
            line(String.format(Locale.ROOT, "candidate %d/%d (k=%d %s): %s%s", candidateIndex + 1, candidates,
                    c.k(), c.type().jsonName(), what, best.isEmpty() ? "" : "; " + best));
        } else if (mode == Mode.TERMINAL) {
            live(String.format(Locale.ROOT, "%s candidates  %s", bar(candidatesDone, candidates), best));
        }
    }

    @Override
    public void initStarted(int init, int total) {
        finishInit();
        currentInit = init;
        lastIter = 0;
        lastLowerBound = Double.NaN;
        iterNanos = 0;
        lastPlain = 0;
    }

    private void finishInit() {
        if (mode == Mode.PLAIN && lastIter > 0) {
            line(String.format(Locale.ROOT, "%sinit %d/%d: %d iterations, lower bound %.8g", prefix(),
                    currentInit + 1, nInit, lastIter, lastLowerBound));
        }
        lastIter = 0;
    }

    private String prefix() {
        return candidates > 1 ? "[" + (candidateIndex + 1) + "/" + candidates + " " + candidate + "] " : "";
    }

    @Override
    public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
        lastIter = iteration;
        lastLowerBound = lowerBound;
        iterNanos += nanos;
        double msPerIter = iterNanos / 1e6 / iteration;
        String text = String.format(Locale.ROOT, "%sinit %d/%d  iter %3d  lower bound %.8g  change %s  "
                        + "%.2f ms/iter  %s", prefix(), init + 1, nInit, iteration, lowerBound,
                Double.isNaN(change) ? "-" : String.format(Locale.ROOT, "%.2e", change), msPerIter, backend);
        if (mode == Mode.TERMINAL) {
            int done = candidateIndex * nInit + init;
            int total = candidates * nInit;
            String bar = bar(done, total);
            String all = String.format(Locale.ROOT, "%s %sinit %d/%d iter %d  LB %.8g  Δ %s  %.1f ms/iter  %s", bar,
                    candidates > 1 ? candidate + "  " : "", init + 1, nInit, iteration, lowerBound,
                    Double.isNaN(change) ? "-" : String.format(Locale.ROOT, "%.1e", change), msPerIter,
                    backendShort);
            live(all);
        } else if (mode == Mode.PLAIN) {
            long now = System.nanoTime();
            if (iteration == 1 || now - lastPlain >= 1_000_000_000L || EVERY_ITERATION) {
                lastPlain = now;
                line(text);
            }
        }
    }

    /** Redraws the live line (cut to the terminal's width). */
    private void live(String text) {
        String all = text.length() > width ? text.substring(0, width) : text;
        StringBuilder sb = new StringBuilder("\r").append(all);
        for (int i = all.length(); i < lineLength; i++) {
            sb.append(' ');
        }
        lineLength = all.length();
        err.print(sb);
        err.flush();
    }

    private static String bar(int done, int total) {
        int width = 10;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            sb.append(i < filled ? '#' : '-');
        }
        return sb.append("] ").append(done).append('/').append(total).toString();
    }

    @Override
    public void event(String message) {
        events.add(message);
        if (mode != Mode.QUIET) {
            line("note: " + message);
        }
    }

    /** The fits are over: end the live line, or report the last initialisation. */
    public void finish() {
        finishInit();
        if (mode == Mode.TERMINAL && lineLength > 0) {
            err.println();
            lineLength = 0;
        }
        err.flush();
    }

    /** @param message a plain message line (clears a live line first) */
    public void line(String message) {
        if (mode == Mode.QUIET) {
            return;
        }
        if (mode == Mode.TERMINAL && lineLength > 0) {
            err.println();
            lineLength = 0;
        }
        err.println(message);
        err.flush();
    }
}

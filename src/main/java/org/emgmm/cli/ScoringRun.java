package org.emgmm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.function.Function;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ModelScorer;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.ScoreTotals;
import org.emgmm.data.Dataset;
import picocli.CommandLine;

/**
 * Streams per-row results of a scoring pass to text output: each block is formatted on the pass's workers and
 * written in row order, so the output is the same bytes at any thread count and only the blocks in flight are in
 * memory.
 */
final class ScoringRun {
    private ScoringRun() {
    }

    /** What a scoring command does with the model on its backend. */
    @FunctionalInterface
    interface Body {
        /**
         * @param scorer the model on the opened backend
         * @param model the model
         * @param data the samples
         * @param cl the command, for its output streams
         * @throws IOException when writing fails
         */
        void run(ModelScorer scorer, MixtureModel model, Dataset data, CommandLine cl) throws IOException;
    }

    /**
     * A scoring command's run, as predict and score share it: checks the backend options and that {@code output} can
     * be written, loads the model and the data, opens the backend their options choose (an {@code auto} fallback's warning on stderr),
     * runs {@code body}, closes the backend.
     *
     * @param spec the command
     * @param modelInput its --model and input options
     * @param output its --output, or null for stdout
     * @param scoring its backend options
     * @param opener opens the backend
     * @param body what the command writes
     * @return the exit status, 0
     * @throws Exception as the command's call
     */
    static int call(CommandLine.Model.CommandSpec spec, ModelInput modelInput, Path output, ScoringOptions scoring,
                    BackendOpener opener, Body body) throws Exception {
        CommandLine cl = spec.commandLine();
        GmmSettings.Builder settings = scoring.builder(cl);
        Outputs.checkWritable(output, "--output");
        ModelInput.Loaded loaded = modelInput.load();
        MixtureModel m = loaded.model();
        Dataset data = loaded.data().data();
        settings.k(m.nComponents()).covarianceType(m.covarianceType());
        try (Backend backend = backend(opener.forScoring(settings.build(), data), cl.getErr(), spec.name())) {
            body.run(new ModelScorer(m, backend), m, data, cl);
        }
        return 0;
    }

    /**
     * @param scorer the model on its backend
     * @param data the samples
     * @param output what to compute per row
     * @param format one block as text (runs on a worker)
     * @param w where the text goes, in row order
     * @return the pass's totals
     * @throws IOException when writing fails
     */
    static ScoreTotals write(ModelScorer scorer, Dataset data, RowOutput output, Function<ScoreBlock, String> format,
                             Writer w) throws IOException {
        try {
            return scorer.stream(data, EnumSet.of(output), new ScoreSink<String>() {
                @Override
                public String convert(ScoreBlock block) {
                    return format.apply(block);
                }

                @Override
                public void accept(String text) {
                    try {
                        w.write(text);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Opens the scoring backend, printing an {@code auto} fallback warning to {@code err}.
     *
     * @param choice the opened backend and its warning
     * @param err standard error
     * @param command the command's name for the warning
     * @return the backend
     */
    static Backend backend(Backends.Choice choice, java.io.PrintWriter err, String command) {
        if (choice.warning() != null) {
            err.println("emgmm " + command + ": warning: " + choice.warning());
        }
        return choice.backend();
    }
}

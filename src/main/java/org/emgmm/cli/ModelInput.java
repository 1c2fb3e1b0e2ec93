package org.emgmm.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.emgmm.MixtureModel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of commands that evaluate a saved model on data: {@code --model}, {@code --input} and its reader options. */
final class ModelInput {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "A saved model (JSON).")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Data with the model's features (default: the bundled Old Faithful data).")
    Path input;

    @Mixin
    InputArgs inputArgs;

    /** A model and data with the same number of features. */
    record Loaded(MixtureModel model, LoadedData data) {
    }

    /**
     * Loads the model, then the data, and checks that their feature counts agree.
     *
     * @return both
     * @throws IOException when a file cannot be read
     * @throws IllegalArgumentException for bad content or a feature-count mismatch
     */
    Loaded load() throws IOException {
        MixtureModel m = MixtureModel.load(model);
        LoadedData in = LoadedData.load(input, inputArgs);
        if (m.nFeatures() != in.data().dims()) {
            throw new IllegalArgumentException("the data (" + in.data().describe() + ") has " + in.data().dims()
                    + " features but the model has " + m.nFeatures());
        }
        return new Loaded(m, in);
    }
}

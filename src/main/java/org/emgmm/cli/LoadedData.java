package org.emgmm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.emgmm.data.DataSources;
import org.emgmm.data.Dataset;

/**
 * A command's input: the dataset, what to call it, and its feature names when the file has a header.
 *
 * @param data the samples
 * @param name the file name, or "Old Faithful (bundled)"
 * @param featureNames names of the features, or null when unknown
 */
record LoadedData(Dataset data, String name, List<String> featureNames) {

    /**
     * Opens {@code --input}, or the bundled Old Faithful data when it is null (input options are then refused).
     *
     * @param input the file, or null
     * @param args the input options
     * @return the data
     * @throws IOException when the file cannot be read
     */
    static LoadedData load(Path input, InputArgs args) throws IOException {
        if (input == null) {
            if (args.columns != null || args.weightsColumn != null || args.dims != 0 || args.format != null
                    || args.delimiter != null || args.header != null) {
                throw new IllegalArgumentException("input options (--columns, --header, --delimiter, "
                        + "--weights-column, --dims, --format) need an --input file");
            }
            return new LoadedData(InputArgs.faithful(), "Old Faithful (bundled)", InputArgs.FAITHFUL_NAMES);
        }
        DataSources.Table t = args.open(input);
        return new LoadedData(t.data(), input.getFileName().toString(), t.featureNames());
    }
}

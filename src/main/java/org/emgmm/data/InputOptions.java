package org.emgmm.data;

import java.util.List;

/**
 * How to read a data file: format (by extension when not given), CSV header handling, column selection, delimiter,
 * a sample-weights column, and the feature count of raw float32 files.
 *
 * @param format "csv", "npy", "raw", or null to decide by the file extension (.csv/.txt/.tsv, .npy, .f32/.raw/.bin)
 * @param header TRUE / FALSE to force, null to detect (a first row with a non-numeric cell is a header)
 * @param columns columns to use, by header name or 0-based index (as strings), or null/empty for all
 * @param delimiter CSV delimiter, or null for ',' (tab for .tsv)
 * @param weightsColumn column holding per-sample weights (name or 0-based index), or null
 * @param dims number of features per row of a raw float32 file (required for raw, ignored otherwise), 0 when unset
 */
public record InputOptions(String format, Boolean header, List<String> columns, Character delimiter,
                           String weightsColumn, int dims) {

    /** @return options that read any supported file with detection and all columns */
    public static InputOptions defaults() {
        return new InputOptions(null, null, null, null, null, 0);
    }
}

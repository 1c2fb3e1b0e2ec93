package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit main: fits a file's columns like {@code emgmm fit}, with its messages. */
class SparkFitMainTest {
    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void session() {
        TestData.spark();
    }

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkFitMain.run(new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** 600 rows: columns a, b (features), w (weight), label (a string). */
    private ArrayDataset writeParquet(Path path) {
        ArrayDataset data = SyntheticMixture.generate(600, 2, 2, 17, false);
        double[] x = data.doubleArray();
        List<Row> rows = new ArrayList<>();
        double[] w = new double[600];
        for (int i = 0; i < 600; i++) {
            w[i] = 1 + (i % 3);
            rows.add(RowFactory.create(x[2 * i], x[2 * i + 1], w[i], "r" + i));
        }
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("w", DataTypes.DoubleType).add("label", DataTypes.StringType);
        TestData.frame(rows, schema, 2).write().parquet(path.toString());
        return data.withWeights(w);
    }

    @Test
    void fitsParquetColumnsAndWritesTheModelFile() throws Exception {
        Path in = dir.resolve("points.parquet");
        ArrayDataset data = writeParquet(in);
        Path model = dir.resolve("model.json");
        String[] r = run("--input", in.toString(), "--columns", "a,b", "--weight-column", "w", "--k", "2",
                "--covariance", "diag", "--seed", "4", "--backend", "cpu", "--output", model.toString());
        assertEquals("0", r[0], r[2]);
        MixtureModel m = MixtureModel.load(model);
        MixtureModel ref = new org.emgmm.GaussianMixture(GmmSettings.builder().k(2).covarianceType(CovarianceType.DIAG)
                .seed(4).backend(BackendKind.CPU).build()).fit(data);
        EqualityTest.assertSameFit(ref, m, EqualityTest.PARAM_TOL, EqualityTest.BOUND_TOL);
        assertTrue(r[1].startsWith("Gaussian mixture: k = 2, diag covariance; data: " + in + ", 600 samples x 2 "
                + "features"), r[1]);
        assertTrue(r[1].contains(String.format(java.util.Locale.ROOT, "BIC           %.6f%n", ref.bic(data))),
                r[1]);
        assertTrue(r[1].contains("model saved  " + model), r[1]);
    }

    @Test
    void errorsAreOneLine() throws Exception {
        Path in = dir.resolve("p.parquet");
        writeParquet(in);
        String[] r = run("--input", in.toString(), "--columns", "a,q", "--k", "2");
        assertEquals("1", r[0]);
        assertEquals("emgmm-spark fit: error: unknown column 'q' (--columns); " + in + " has columns: a, b, w, label",
                r[2].trim());
        r = run("--input", in.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("emgmm-spark fit: --k is required with --input"), r[2]);
        r = run("--input", in.toString(), "--k", "2", "--covariance", "round");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("emgmm-spark fit: --covariance: unknown covariance type 'round'"), r[2]);
    }

    /**
     * Each bad EM option gets the same message as from {@code emgmm fit} (the options and their checks are the core's
     * {@code EmOptions}), before any data is read, with exit status 2.
     */
    @Test
    void badOptionsGetEmgmmFitsMessages() {
        Path in = dir.resolve("absent.parquet"); // the options are checked before the input is opened
        String[][] bad = {{"--covariance", "round"}, {"--init", "bogus"}, {"--backend", "gpu"},
            {"--precision", "half"}, {"--tol", "-1"}, {"--tol", "NaN"}, {"--max-iter", "-1"}, {"--n-init", "0"},
            {"--reg-covar", "Infinity"}, {"--k", "0"}};
        for (String[] b : bad) {
            List<String> args = new ArrayList<>(List.of("--input", in.toString()));
            if (!b[0].equals("--k")) {
                args.addAll(List.of("--k", "2"));
            }
            args.addAll(List.of(b));
            String[] spark = run(args.toArray(new String[0]));
            args.add(0, "fit");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = org.emgmm.cli.Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                    args.toArray(new String[0]));
            String what = String.join(" ", b);
            assertEquals(2, code, what + ": " + err);
            assertEquals("2", spark[0], what + ": " + spark[2]);
            String core = err.toString().lines().findFirst().orElse("");
            String mine = spark[2].lines().findFirst().orElse("");
            assertTrue(core.startsWith("emgmm fit: --"), core);
            assertEquals(core.substring("emgmm fit: ".length()), mine.substring("emgmm-spark fit: ".length()), what);
        }
    }

    /** The spellings {@code emgmm fit} accepts (any case, aliases) work here too, with the same fit as canonical ones. */
    @Test
    void acceptsEmgmmFitsSpellings() throws Exception {
        Path in = dir.resolve("points.parquet");
        ArrayDataset data = writeParquet(in);
        Path model = dir.resolve("model.json");
        String[] r = run("--input", in.toString(), "--columns", "a,b", "--weight-column", "w", "--k", "2",
                "--covariance", "Diag", "--init", "KMeans", "--backend", "CPU", "--precision", "f64", "--seed", "4",
                "--quiet", "--output", model.toString());
        assertEquals("0", r[0], r[2]);
        MixtureModel ref = new org.emgmm.GaussianMixture(GmmSettings.builder().k(2).covarianceType(CovarianceType.DIAG)
                .seed(4).backend(BackendKind.CPU).build()).fit(data);
        EqualityTest.assertSameFit(ref, MixtureModel.load(model), EqualityTest.PARAM_TOL, EqualityTest.BOUND_TOL);
    }

    @Test
    void csvWithAMissingValueNamesItsColumn() throws Exception {
        Path csv = dir.resolve("d.csv");
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i < 20; i++) {
            sb.append(i).append(',').append(i == 13 ? "" : Integer.toString(i % 4)).append('\n');
        }
        Files.writeString(csv, sb.toString());
        Path model = dir.resolve("m.json");
        String[] r = run("--input", csv.toString(), "--k", "2", "--output", model.toString());
        assertEquals("1", r[0]);
        assertEquals("emgmm-spark fit: error: null or NaN in column 'y' at partition 0, row 13 (0-based, within the "
                + "partition)", r[2].trim());
        assertFalse(Files.exists(model));
    }
}

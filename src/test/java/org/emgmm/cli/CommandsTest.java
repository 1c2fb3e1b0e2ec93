package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.emgmm.MixtureModel;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end tests of predict, score, sample, select, plot, devices, --help and --version, in-process. */
class CommandsTest {
    @TempDir
    Path dir;
    Path model;
    Path data;
    MixtureModel m;
    Dataset ds;

    @BeforeEach
    void fitOnce() throws Exception {
        String text = Cli.twoClusters(120, true);
        data = Cli.csv(dir, "d.csv", text);
        ds = ArrayDataset.of(Cli.parse(text, true), null);
        model = dir.resolve("m.json");
        Cli.Result r = Cli.run("fit", "--input", data.toString(), "--k", "2", "--backend", "cpu", "--quiet",
                "--output", model.toString());
        assertEquals(0, r.code(), r.toString());
        m = MixtureModel.load(model);
    }

    @Test
    void predictWritesOneLabelPerSample() {
        Cli.Result r = Cli.run("predict", "--model", model.toString(), "--input", data.toString());
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        int[] expected = m.predict(ds);
        assertEquals(expected.length, lines.length);
        for (int i = 0; i < lines.length; i++) {
            assertEquals(expected[i], Integer.parseInt(lines[i]));
        }
    }

    @Test
    void predictProbaToFileIsCsvOfResponsibilities() throws Exception {
        Path out = dir.resolve("p.csv");
        Cli.Result r = Cli.run("predict", "--model", model.toString(), "--input", data.toString(), "--proba",
                "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals("p0,p1", lines.get(0));
        double[][] p = m.predictProba(ds);
        assertEquals(p.length + 1, lines.size());
        for (int i = 0; i < p.length; i++) {
            String[] c = lines.get(i + 1).split(",");
            assertEquals(p[i][0], Double.parseDouble(c[0]), 0);
            assertEquals(p[i][1], Double.parseDouble(c[1]), 0);
            assertEquals(1.0, Double.parseDouble(c[0]) + Double.parseDouble(c[1]), 1e-12);
        }
    }

    @Test
    void scorePrintsTheMeanAndPerSampleValues() throws Exception {
        Cli.Result r = Cli.run("score", "--model", model.toString(), "--input", data.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(m.score(ds), Double.parseDouble(r.out().trim()), 0);
        Path out = dir.resolve("s.txt");
        r = Cli.run("score", "--model", model.toString(), "--input", data.toString(), "--per-sample", "--output",
                out.toString());
        assertEquals(0, r.code(), r.toString());
        double[] expected = m.scoreSamples(ds);
        double[] got = Files.readAllLines(out).stream().mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(expected, got, 0);
        double mean = 0;
        for (double v : got) {
            mean += v / got.length;
        }
        assertEquals(m.score(ds), mean, 1e-12);
    }

    @Test
    void sampleIsSeededCsvFromTheModel() throws Exception {
        Cli.Result a = Cli.run("sample", "--model", model.toString(), "--n", "4000", "--seed", "9", "--labels");
        Cli.Result b = Cli.run("sample", "--model", model.toString(), "--n", "4000", "--seed", "9", "--labels");
        Cli.Result c = Cli.run("sample", "--model", model.toString(), "--n", "4000", "--seed", "10", "--labels");
        assertEquals(0, a.code(), a.toString());
        assertEquals(a.out(), b.out());
        assertTrue(!a.out().equals(c.out()));
        String[] lines = a.out().split("\n");
        assertEquals("x0,x1,component", lines[0]);
        assertEquals(4001, lines.length);
        // the sample mean of component 0 is near its mean (4000 draws: well within 0.2)
        double[] sum = new double[2];
        int n0 = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",");
            if (cells[2].equals("0")) {
                sum[0] += Double.parseDouble(cells[0]);
                sum[1] += Double.parseDouble(cells[1]);
                n0++;
            }
        }
        assertEquals(m.weights()[0], n0 / 4000.0, 0.03);
        assertEquals(m.means()[0][0], sum[0] / n0, 0.2);
        assertEquals(m.means()[0][1], sum[1] / n0, 0.2);
        Path out = dir.resolve("s.csv");
        assertEquals(0, Cli.run("sample", "--model", model.toString(), "--n", "5", "--output", out.toString()).code());
        assertEquals(6, Files.readAllLines(out).size());
    }

    @Test
    void selectPrintsTableWritesBestModelAndPicture() throws Exception {
        Path best = dir.resolve("best.json");
        Path png = dir.resolve("sel.png");
        Cli.Result r = Cli.run("select", "--input", data.toString(), "--k", "1..3", "--covariance", "full,diag",
                "--backend", "cpu", "--output", best.toString(), "--plot", png.toString());
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertEquals(6, out.lines().filter(l -> l.startsWith("  full ") || l.startsWith("  diag ")).count(), out);
        assertTrue(out.contains("<- best"), out);
        MixtureModel b = MixtureModel.load(best);
        // the saved model is the lowest-BIC row of the table
        double minBic = Double.POSITIVE_INFINITY;
        for (String l : out.lines().filter(l -> l.startsWith("  full ") || l.startsWith("  diag ")).toList()) {
            minBic = Math.min(minBic, Double.parseDouble(l.trim().split("\\s+")[2]));
        }
        assertEquals(minBic, b.bic(ds), 1e-3);
        assertEquals(2, b.nComponents(), "two clusters");
        assertTrue(Files.size(png) > 10_000);
    }

    @Test
    void plotCommandWritesPng() throws Exception {
        Path png = dir.resolve("p.png");
        Cli.Result r = Cli.run("plot", "--model", model.toString(), "--input", data.toString(), "--output",
                png.toString(), "--width", "640", "--height", "480");
        assertEquals(0, r.code(), r.toString());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
    }

    @Test
    void npyFloat32AndFloat64AndRawFloat32GiveTheSameFitAsCsv() throws Exception {
        double[][] rows = Cli.parse(Cli.twoClusters(120, true), true);
        double[][] rows32 = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            rows32[i] = new double[] {(float) rows[i][0], (float) rows[i][1]};
        }
        Path f64 = Cli.npy(dir, "d64.npy", rows, false);
        Path f32 = Cli.npy(dir, "d32.npy", rows, true);
        Path raw = Cli.raw(dir, "d.f32", rows);
        MixtureModel a = fit(f64);
        assertEquals(m.lowerBound(), a.lowerBound(), 1e-12, "npy float64 = csv");
        MixtureModel b = fit(f32, "--dims", "0");
        MixtureModel c = fit(raw, "--dims", "2");
        MixtureModel ref32 = new org.emgmm.GaussianMixture(org.emgmm.GmmSettings.builder().k(2)
                .backend(org.emgmm.config.BackendKind.CPU).build()).fit(ArrayDataset.of(rows32, null));
        assertEquals(ref32.lowerBound(), b.lowerBound(), 1e-9, "npy float32");
        assertEquals(b.lowerBound(), c.lowerBound(), 0, "raw float32 = npy float32");
        Cli.Result noDims = Cli.run("fit", "--input", raw.toString(), "--k", "2");
        assertEquals(1, noDims.code(), noDims.toString());
        assertTrue(noDims.err().contains("--dims") || noDims.err().contains("dims"), noDims.err());
    }

    private MixtureModel fit(Path input, String... more) throws Exception {
        Path out = dir.resolve(input.getFileName() + ".json");
        List<String> args = new java.util.ArrayList<>(List.of("fit", "--input", input.toString(), "--k", "2",
                "--backend", "cpu", "--quiet", "--output", out.toString()));
        args.addAll(List.of(more));
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.toString());
        return MixtureModel.load(out);
    }

    @Test
    void helpOfEveryCommandHasExamples() {
        for (String c : List.of("fit", "predict", "score", "sample", "select", "plot", "devices")) {
            Cli.Result r = Cli.run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Examples:"), c + ":\n" + r.out());
            assertTrue(r.out().contains("emgmm " + c), c + ":\n" + r.out());
        }
        Cli.Result top = Cli.run("--help");
        assertEquals(0, top.code());
        for (String c : List.of("fit", "predict", "score", "sample", "select", "plot", "devices")) {
            assertTrue(top.out().contains("  " + c), top.out());
        }
    }

    @Test
    void benchIsRegisteredWhenItIsPartOfTheBuild() {
        boolean present;
        try {
            Class.forName("org.emgmm.cli.BenchCommand");
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "bench not in this build");
        Cli.Result r = Cli.run("bench", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(Cli.run("--help").out().contains("  bench"));
    }

    @Test
    void versionNamesJavaAndTheVectorApi() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("emgmm "), r.out());
        assertTrue(r.out().contains("Vector API"), r.out());
    }

    @Test
    void devicesListsOrExplainsHowToInstall() {
        Cli.Result r = Cli.run("devices");
        if (r.code() == 0) {
            assertTrue(r.out().contains("0: "), r.out());
        } else {
            assertEquals(1, r.code());
            assertTrue(r.err().contains("OpenCL"), r.err());
            assertTrue(!r.err().contains("\tat "));
        }
    }
}

package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.emgmm.GaussianMixture;
import org.emgmm.MixtureModel;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's examples work: its Java block compiles and runs against this build, its Python block turns an emgmm
 * model file into a scikit-learn GaussianMixture that predicts the same labels and score, and its two commands are
 * the ones CI runs.
 */
class ReadmeTest {
    @TempDir
    Path dir;

    static String readme() throws Exception {
        Path p = Path.of("README.md");
        assumeTrue(Files.exists(p), "run from the project root");
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** @return the body of the first fenced block of a language */
    static String block(String text, String lang) {
        int start = text.indexOf("```" + lang + "\n");
        assertTrue(start >= 0, "README has a ```" + lang + " block");
        start += lang.length() + 4;
        int end = text.indexOf("```", start);
        return text.substring(start, end);
    }

    static String run(List<String> cmd, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }

    static String classpath() throws Exception {
        String own = Path.of(GaussianMixture.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        return own + File.pathSeparator + System.getProperty("java.class.path");
    }

    @Test
    void javaExampleCompilesAndRuns() throws Exception {
        String src = block(readme(), "java");
        assertTrue(src.contains("public class Example"));
        Path srcDir = Files.createDirectories(dir.resolve("src"));
        Files.writeString(srcDir.resolve("Example.java"), src);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK, not a JRE");
        String cp = classpath();
        java.io.ByteArrayOutputStream diag = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-classpath", cp, "-d", classes.toString(),
                srcDir.resolve("Example.java").toString());
        assertEquals(0, rc, diag.toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = run(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                classes + File.pathSeparator + cp, "Example"), dir);
        assertTrue(out.contains("converged true"), out);
        assertTrue(out.contains("labels [0, 0, 0, 0, 1, 1, 1, 1]") || out.contains("labels [1, 1, 1, 1, 0, 0, 0, 0]"),
                out);
        MixtureModel saved = MixtureModel.load(dir.resolve("model.json"));
        assertEquals(2, saved.nComponents());
        assertTrue(out.contains("lower bound " + saved.lowerBound()), out);
    }

    @Test
    void pythonSnippetMapsTheModelOntoScikitLearn() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import sklearn, numpy").start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "needs scikit-learn");
        Path script = dir.resolve("load.py");
        Files.writeString(script, block(readme(), "python"));
        Path data = dir.resolve("faithful.csv");
        try (InputStream in = InputArgs.class.getResourceAsStream(InputArgs.FAITHFUL)) {
            Files.copy(in, data);
        }
        Dataset ds = InputArgs.faithful();
        for (String type : List.of("full", "diag", "spherical", "tied")) {
            Path model = dir.resolve(type + ".json");
            Cli.Result r = Cli.run("fit", "--backend", "cpu", "--k", "3", "--covariance", type, "--quiet",
                    "--output", model.toString());
            assertEquals(0, r.code(), r.toString());
            MixtureModel m = MixtureModel.load(model);
            String out = run(List.of(python.toString(), script.toString(), model.toString(), data.toString()), dir);
            String[] lines = out.trim().split("\n");
            String[] labels = lines[lines.length - 2].trim().split(" ");
            int[] expected = m.predict(ds);
            assertEquals(expected.length, labels.length, type);
            List<Integer> diff = new ArrayList<>();
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] != Integer.parseInt(labels[i])) {
                    diff.add(i);
                }
            }
            assertEquals(List.of(), diff, type + ": rows where scikit-learn's label differs");
            assertEquals(m.score(ds), Double.parseDouble(lines[lines.length - 1]), 1e-10, type);
        }
    }

    @Test
    void theTwoCommandsAreTheOnesCiRuns() throws Exception {
        String text = readme();
        String main = "mvn -B -q package -DskipTests && target/emgmm fit";
        assertTrue(text.contains(main), "main job");
        assertTrue(text.contains("```sh\nmvn -B test\n```"), "test command");
        Path ci = Path.of(".ci/run");
        if (Files.exists(ci)) {
            String c = Files.readString(ci);
            assertTrue(c.contains(main), ".ci/run runs the README's main job");
            assertTrue(c.contains("\nmvn -B test\n"), ".ci/run runs the README's test command");
        }
        assertTrue(text.contains("## Speed"));
    }
}

package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's compiler directives ({@code src/main/dist/emgmm-jit.json}, the Vector API's fallback code kept from
 * C2): the file parses, the JVM's announcement of it stays off stdout under the launcher's
 * {@code -XX:-DisplayVMOutput}, and the launcher adds both only where they are safe — x86-64 with AVX2, vectors of
 * 256 bits or more — and never to a run that asks the JVM for diagnostics (which {@code -XX:-DisplayVMOutput} would
 * silence). Also the launcher's class-data-sharing option: the archives mapped where they were made to be, not
 * relocated at each start.
 */
class LauncherJitTest {
    private static final Path DIST = Path.of("src", "main", "dist").toAbsolutePath();
    private static final Path LAUNCHER = DIST.resolve("emgmm");
    private static final Path DIRECTIVES = DIST.resolve("emgmm-jit.json");
    private static final String DIRECTIVES_OPTION = "-XX:CompilerDirectivesFile=" + DIRECTIVES;

    @Test
    void directivesParseAndTheirAnnouncementStaysOffStdout() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Output plain = run(new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions", DIRECTIVES_OPTION, "-version"));
        assertEquals(0, plain.code, plain.text);
        // one directive (one match list), parsed: a syntax error would exit 1 with "Syntax error"
        assertTrue(plain.stdout.contains("1 compiler directives added"), plain.text);
        Output quiet = run(new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions", DIRECTIVES_OPTION,
                "-XX:-DisplayVMOutput", "-version"));
        assertEquals(0, quiet.code, quiet.text);
        assertFalse(quiet.stdout.contains("compiler directives"), quiet.text);
        assertTrue(quiet.text.contains("version"), quiet.text); // java -version still printed (on stderr)
    }

    @Test
    void launcherAddsThemOnlyWhereSafe() throws Exception {
        boolean eligible = "amd64".equals(System.getProperty("os.arch")) && cpuHasAvx2();
        for (String opts : new String[] {"", "-Xmx1g -Demgmm.progress.everyIteration=true", "-XX:MaxVectorSize=32"}) {
            String line = javaLine(opts);
            assertEquals(eligible, line.contains(DIRECTIVES_OPTION), opts + ": " + line);
            assertEquals(eligible, line.contains("-XX:-DisplayVMOutput"), opts + ": " + line);
        }
        for (String opts : new String[] {"-Xcheck:jni", "-XX:MaxVectorSize=16", "-XX:MaxVectorSize=8",
            "-XX:+PrintCompilation", "-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining", "-XX:+DisplayVMOutput",
            "-XX:+HeapDumpOnOutOfMemoryError", "-Xmx1g -XX:+TraceClassLoading"}) {
            String line = javaLine(opts);
            assertFalse(line.contains("CompilerDirectivesFile"), opts + ": " + line);
            assertFalse(line.contains("-XX:-DisplayVMOutput"), opts + ": " + line);
            assertTrue(line.contains(opts), opts + ": " + line); // the user's options still passed on
        }
    }

    @Test
    void archivesAreMappedWithoutRelocation() throws Exception {
        String option = "-XX:ArchiveRelocationMode=0";
        for (String opts : new String[] {"", "-Xcheck:jni", "-XX:MaxVectorSize=16"}) {
            String line = javaLine(opts);
            assertTrue(line.contains("-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"), opts + ": " + line);
        }
        // this JVM knows the (diagnostic) option: an unknown one would stop every start with "Unrecognized VM option"
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Output out = run(new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions", option, "-Xshare:auto",
                "-version"));
        assertEquals(0, out.code, out.text);
    }

    /** @return the java command line the launcher runs for {@code fit} with these EMGMM_JAVA_OPTS */
    private static String javaLine(String opts) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", LAUNCHER.toString(), "fit");
        pb.environment().put("EMGMM_JAVA", "echo");
        pb.environment().put("EMGMM_JAR", Path.of("pom.xml").toAbsolutePath().toString()); // any existing file
        pb.environment().put("EMGMM_JAVA_OPTS", opts);
        Output out = run(pb);
        assertEquals(0, out.code, out.text);
        return out.stdout.trim();
    }

    private static boolean cpuHasAvx2() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return false;
        }
        for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
            if (line.startsWith("flags")) {
                return List.of(line.split("\\s+")).contains("avx2");
            }
        }
        return false;
    }

    private record Output(int code, String stdout, String text) {
    }

    private static Output run(ProcessBuilder pb) throws Exception {
        String cmd = String.join(" ", pb.command());
        Path out = Files.createTempFile("launcher-jit", ".out");
        Path err = Files.createTempFile("launcher-jit", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), cmd + " timed out");
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            return new Output(p.exitValue(), stdout, cmd + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

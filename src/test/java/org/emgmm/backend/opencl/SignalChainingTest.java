package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM survives its OpenCL runtime (PoCL, whose LLVM installs handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGUSR2...): child JVMs started through the launcher ({@code src/main/dist/emgmm java ...}, which preloads
 * libjsig) load OpenCL through {@code devices}, {@code bench --backend auto} and {@code --backend opencl}, then run
 * CPU fits with implicit null checks and full GCs; HotSpot's own check ({@code -Xcheck:jni}) must report no replaced
 * handler, and emgmm must not warn. Without libjsig the same loading makes emgmm warn, once, and {@code -Xcheck:jni}
 * shows the replaced handlers. Needs an OpenCL platform (skips without one unless EMGMM_REQUIRE_OPENCL=1).
 *
 * <p>(JOCL's output arrays read as zeros under {@code -Xcheck:jni}, so the steps that run kernels are checked in a
 * JVM without it: there the evidence is that the JVM lives through the signals, exit 0.)
 */
class SignalChainingTest {
    private static final String WARNING = "without signal chaining (libjsig)";

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("LD_PRELOAD"); // the test JVM's own (surefire preloads it): the child must not inherit
        pb.environment().put("EMGMM_JAVA", java());
        pb.environment().remove("EMGMM_JAVA_OPTS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child JVM timed out");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static List<String> launcher(String... javaArgs) {
        Path script = Path.of("src", "main", "dist", "emgmm");
        assertTrue(Files.isRegularFile(script), "launcher not found at " + script.toAbsolutePath());
        List<String> cmd = new ArrayList<>(List.of("sh", script.toString(), "java"));
        cmd.addAll(List.of(javaArgs));
        return cmd;
    }

    private static List<String> probe(List<String> jvm, String... steps) {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.logFile=System.out", "-cp", FallbackTest.classPath(),
                SignalProbe.class.getName()));
        cmd.addAll(List.of(steps));
        return cmd;
    }

    private static boolean handlerReplaced(String out) {
        String o = out.toLowerCase(Locale.ROOT);
        return o.contains("handler modified") || o.contains("handler was modified");
    }

    @Test
    void launcherKeepsTheJvmsHandlersWhileOpenClIsListed() throws Exception {
        OpenClTestSupport.device();
        Result r = run(probe(launcher("-Xcheck:jni"), "devices", "auto", "cpu=4"));
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("devices exit=0") && out.contains("auto exit=0") && out.contains("cpu rounds="), out);
        assertTrue(out.contains("\ndone"), out);
        assertFalse(handlerReplaced(out), out);
        assertFalse(out.contains(WARNING), out);
    }

    @Test
    void launcherSurvivesOpenClKernelsThenSignals() throws Exception {
        OpenClTestSupport.device();
        Result r = run(probe(launcher(), "opencl", "bench-opencl", "compare", "cpu=4"));
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("opencl backend=opencl") && out.contains("bench-opencl exit=0")
                && out.contains("compare exit=0")
                && out.contains("cpu rounds=") && out.contains("\ndone"), out);
        assertFalse(out.contains(WARNING), out);
    }

    @Test
    void withoutLibjsigTheRuntimeReplacesHandlersAndEmgmmWarnsOnce() throws Exception {
        OpenClTestSupport.device();
        Result r = run(probe(List.of(java(), "--add-modules", "jdk.incubator.vector", "-Xcheck:jni"),
                "devices", "devices"));
        String out = r.output();
        assertTrue(handlerReplaced(out), "expected HotSpot to report a replaced handler:\n" + out);
        assertEquals(1, out.lines().filter(l -> l.contains(WARNING)).count(), out);
        assertTrue(out.contains("LD_PRELOAD=" + Paths.get(System.getProperty("java.home"), "lib", "libjsig.so")), out);
    }

    @Test
    void autoWithoutDiscoveryNeverLoadsOpenCl() throws Exception {
        OpenClTestSupport.device();
        // no libjsig, -Xcheck:jni: had OpenCL been loaded, HotSpot would report PoCL's handlers and emgmm would warn
        Result r = run(probe(List.of(java(), "--add-modules", "jdk.incubator.vector", "-Xcheck:jni"),
                "auto-no-discovery"));
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("auto-no-discovery backend=cpu events=0"), out);
        assertFalse(handlerReplaced(out), out);
        assertFalse(out.contains(WARNING), out);
    }

    @Test
    void mapsParsing() {
        assertTrue(SignalChaining.mapsListJsig(
                "7f00-7f01 r-xp 00000000 fe:01 123 /usr/lib/jvm/java-17/lib/libjsig.so\n"));
        assertFalse(SignalChaining.mapsListJsig(
                "7f00-7f01 r-xp 00000000 fe:01 123 /usr/lib/jvm/java-17/lib/libjava.so\n"));
        // this very JVM: surefire preloads libjsig where the runtime ships it (pom.xml, profile jsig)
        if (Files.exists(Paths.get(System.getProperty("java.home"), "lib", "libjsig.so"))
                && System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            assertTrue(SignalChaining.chained(), "the test JVM runs without libjsig: see pom.xml, profile jsig");
        }
    }
}

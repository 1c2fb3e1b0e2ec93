package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With OpenCL hidden from a child JVM (the ICD loader pointed at an empty vendors directory, so no platform is
 * found; on a machine without any OpenCL library the load itself fails, with the same outcome), {@code auto} falls
 * back to the CPU with one warning recorded in the model's events, and an explicit {@code opencl} fails with a clear
 * message. Needs no OpenCL device, so it runs everywhere.
 */
class FallbackTest {

    private static String run(String mode, Path emptyVendors) throws IOException, InterruptedException {
        return run(mode, emptyVendors, false);
    }

    /**
     * @param gpuCheck whether auto's device-node check ({@link GpuNodes}) is on; off, auto searches OpenCL as on a
     *     machine with a GPU node
     */
    private static String run(String mode, Path emptyVendors, boolean gpuCheck)
            throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = classPath();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "-Dorg.slf4j.simpleLogger.logFile=System.out", "-D" + GpuNodes.PROPERTY + "=" + gpuCheck, "-cp", cp,
                FallbackProbe.class.getName(), mode);
        pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
        pb.environment().remove("OCL_ICD_FILENAMES");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /**
     * The class path of this JVM, plus where the classes the probe needs came from (under a launcher with its own
     * class loader, such as JUnit's console launcher, java.class.path does not list them).
     */
    static String classPath() {
        java.util.LinkedHashSet<String> parts = new java.util.LinkedHashSet<>();
        String own = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String p : own.split(java.io.File.pathSeparator)) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        String[] needed = {FallbackProbe.class.getName(), "org.emgmm.GaussianMixture", "org.jocl.CL",
            "org.slf4j.LoggerFactory", "org.slf4j.simple.SimpleLogger", "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.annotation.JsonProperty"};
        for (String name : needed) {
            try {
                // not initialised: initialising org.jocl.CL loads the native library, which throws without libOpenCL
                java.security.CodeSource cs = Class.forName(name, false, FallbackTest.class.getClassLoader())
                        .getProtectionDomain().getCodeSource();
                if (cs != null && cs.getLocation() != null) {
                    parts.add(Paths.get(cs.getLocation().toURI()).toString());
                }
            } catch (ClassNotFoundException | java.net.URISyntaxException e) {
                // optional: not on this class path
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    @Test
    void autoFallsBackWithOneWarning(@TempDir Path tmp) throws Exception {
        Path vendors = Files.createDirectories(tmp.resolve("vendors"));
        String out = run("auto", vendors);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("backend=cpu"), out);
        List<String> events = lines.stream().filter(l -> l.startsWith("event=")).toList();
        assertEquals(1, events.size(), out);
        assertTrue(events.get(0).startsWith("event=OpenCL unavailable (")
                && events.get(0).endsWith("); using the CPU backend"), out);
        assertTrue(events.get(0).contains("no OpenCL platform found")
                || events.get(0).contains("could not be loaded"), out);
        assertEquals(1, lines.stream().filter(l -> l.contains("WARN org.emgmm")).count(), out);
    }

    /**
     * Where the machine has no GPU device node, auto does not look for OpenCL: no warning, and no OpenCL library in
     * the process (read from /proc/self/maps), although an ICD loader may be installed.
     */
    @Test
    void autoWithoutGpuNodeNeverLoadsOpenCl(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        org.junit.jupiter.api.Assumptions.assumeFalse(GpuNodes.anyGpuNode(Path.of("/dev")),
                "this machine has a GPU device node");
        Path vendors = Files.createDirectories(tmp.resolve("vendors"));
        String out = run("auto", vendors, true);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("backend=cpu"), out);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("event=")), out);
        assertTrue(lines.contains("openclLoaded=false"), out);
        // the same run with the check off does load it (where an ICD loader is installed at all)
        String searched = run("auto", vendors, false);
        assertTrue(searched.contains("openclLoaded=true") || searched.contains("could not be loaded"), searched);
    }

    @Test
    void explicitOpenClFailsClearly(@TempDir Path tmp) throws Exception {
        Path vendors = Files.createDirectories(tmp.resolve("vendors"));
        String out = run("opencl", vendors);
        assertTrue(out.contains("error=IllegalStateException: the OpenCL backend failed: "), out);
        assertTrue(out.contains("no OpenCL platform found") || out.contains("could not be loaded"), out);
        assertTrue(!out.contains("backend=cpu"), out);
    }
}

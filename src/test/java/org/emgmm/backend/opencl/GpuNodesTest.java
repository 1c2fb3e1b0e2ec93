package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GpuNodes}: which device directories say a GPU may be present. Needs no OpenCL. */
class GpuNodesTest {

    @Test
    void cpuOnlyDeviceDirectoryHasNoGpu(@TempDir Path dev) throws Exception {
        for (String n : new String[] {"null", "tty0", "loop0", "random", "kvm", "fuse"}) {
            Files.createFile(dev.resolve(n));
        }
        Files.createDirectories(dev.resolve("pts"));
        Files.createDirectories(dev.resolve("dri")); // empty: no card, no render node
        assertFalse(GpuNodes.anyGpuNode(dev));
    }

    @Test
    void eachKindOfGpuNodeCounts(@TempDir Path tmp) throws Exception {
        String[] nodes = {"nvidia0", "nvidiactl", "kfd", "dxg", "mali0", "kgsl-3d0", "galcore", "dri/renderD128",
            "dri/card0", "accel/accel0"};
        for (int i = 0; i < nodes.length; i++) {
            Path dev = Files.createDirectories(tmp.resolve("dev" + i));
            Files.createFile(dev.resolve("null"));
            Path node = dev.resolve(nodes[i]);
            Files.createDirectories(node.getParent());
            Files.createFile(node);
            assertTrue(GpuNodes.anyGpuNode(dev), nodes[i]);
        }
    }

    @Test
    void unreadableOrMissingDirectorySearchesAsBefore(@TempDir Path tmp) {
        assertTrue(GpuNodes.anyGpuNode(tmp.resolve("no-such-dev")));
    }

    @Test
    void propertyTurnsTheCheckOff() {
        String before = System.getProperty(GpuNodes.PROPERTY);
        try {
            System.setProperty(GpuNodes.PROPERTY, "false");
            assertTrue(GpuNodes.mayHaveGpu());
        } finally {
            if (before == null) {
                System.clearProperty(GpuNodes.PROPERTY);
            } else {
                System.setProperty(GpuNodes.PROPERTY, before);
            }
        }
    }
}

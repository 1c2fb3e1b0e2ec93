package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning cache file: location, round trip, and one warning for a corrupt or stale file. No OpenCL needed. */
class TuningCacheTest {
    @TempDir
    Path dir;

    static final TuningCache.DeviceKey KEY = new TuningCache.DeviceKey("Fake", "Fake GPU", "550.1", "abcdef0123456789");

    static TuningCache.Entry entry(TuningCache.DeviceKey k, String cls, int wgs, int apt, int tile) {
        return new TuningCache.Entry(k.platform(), k.device(), k.driver(), k.kernels(), cls, wgs, apt, tile, 2.0, 1.5,
                65536, "2026-12-04T08:00:00Z");
    }

    @Test
    void locationFollowsEnvironmentThenXdgThenHome() {
        assertEquals(Path.of("/x/t.json"), TuningCache.defaultPath(Map.of(TuningCache.ENV, "/x/t.json",
                "XDG_CACHE_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/xdg/emgmm/tuning.json"), TuningCache.defaultPath(Map.of("XDG_CACHE_HOME", "/xdg"),
                "/home/u"));
        assertEquals(Path.of("/home/u/.cache/emgmm/tuning.json"), TuningCache.defaultPath(Map.of("XDG_CACHE_HOME",
                "relative"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/emgmm/tuning.json"), TuningCache.defaultPath(Map.of(), "/home/u"));
    }

    @Test
    void entriesRoundTripAndReplaceTheirClass() throws IOException {
        Path f = dir.resolve("sub").resolve("tuning.json");
        TuningCache c = TuningCache.read(f);
        assertTrue(c.entries().isEmpty());
        assertNull(c.problem());
        c.with(entry(KEY, "diag/float/d9-16/k5-16", 128, 2, 32)).with(entry(KEY, "full/float/d9-16/k5-16", 0, 4, 0))
                .write();
        TuningCache back = TuningCache.read(f);
        assertEquals(2, back.entries().size());
        back.with(entry(KEY, "diag/float/d9-16/k5-16", 64, 1, 16)).write();
        List<String> warnings = new ArrayList<>();
        Map<String, TuningCache.Entry> mine = TuningCache.read(f).forDevice(KEY, warnings::add);
        assertEquals(List.of(), warnings);
        assertEquals(2, mine.size());
        assertEquals(64, mine.get("diag/float/d9-16/k5-16").workGroupSize());
        assertEquals(4, mine.get("full/float/d9-16/k5-16").tasksPerItem());
        TuningCache.DeviceKey other = new TuningCache.DeviceKey("Fake", "Other GPU", "1", KEY.kernels());
        assertTrue(TuningCache.read(f).forDevice(other, warnings::add).isEmpty());
        assertEquals(List.of(), warnings, "another device's entries are not stale");
    }

    @Test
    void corruptFileIsIgnoredWithOneWarning() throws IOException {
        Path f = dir.resolve("tuning.json");
        Files.writeString(f, "{\"format\": \"emgmm-tuning\", \"version\": 1, \"entries\": [ {\"platform\": ",
                StandardCharsets.UTF_8);
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertTrue(TuningCache.read(f).forDevice(KEY, warnings::add).isEmpty());
        }
        assertEquals(1, warnings.size(), warnings.toString());
        String w = warnings.get(0);
        assertTrue(w.contains(f.toString()) && w.contains("not valid JSON at line 1") && w.contains("emgmm tune"), w);
    }

    @Test
    void wrongFormatOrBadEntryIsCorrupt() throws IOException {
        String[] bad = {"{\"format\": \"emgmm-model\", \"version\": 1, \"entries\": []}",
            "{\"format\": \"emgmm-tuning\", \"version\": 7, \"entries\": []}",
            "{\"format\": \"emgmm-tuning\", \"version\": 1, \"entries\": [{\"platform\": \"Fake\"}]}",
            "[1, 2]"};
        String[] says = {"not an emgmm-tuning file", "version 7", "bad entry 0", "not an emgmm-tuning file"};
        for (int i = 0; i < bad.length; i++) {
            Path f = dir.resolve("bad" + i + ".json");
            Files.writeString(f, bad[i], StandardCharsets.UTF_8);
            List<String> warnings = new ArrayList<>();
            TuningCache.read(f).forDevice(KEY, warnings::add);
            TuningCache.read(f).forDevice(KEY, warnings::add);
            assertEquals(1, warnings.size(), bad[i]);
            assertTrue(warnings.get(0).contains(says[i]), warnings.get(0));
        }
        Path tile = dir.resolve("tile.json");
        TuningCache.read(tile).with(entry(KEY, "diag/float/d9-16/k5-16", 64, 1, 16)).write();
        Files.writeString(tile, Files.readString(tile).replace("\"tile_rows\" : 16", "\"tile_rows\" : 18"));
        assertTrue(TuningCache.read(tile).problem().contains("multiple of 4"), TuningCache.read(tile).problem());
    }

    /** Entries of this device under another driver or other kernels are ignored, with one warning; others stay. */
    @Test
    void staleEntriesAreIgnoredWithOneWarning() throws IOException {
        Path f = dir.resolve("stale.json");
        TuningCache.DeviceKey oldDriver = new TuningCache.DeviceKey(KEY.platform(), KEY.device(), "470.0",
                KEY.kernels());
        TuningCache.DeviceKey oldKernels = new TuningCache.DeviceKey(KEY.platform(), KEY.device(), KEY.driver(),
                "0000000000000000");
        TuningCache.read(f).with(entry(oldDriver, "diag/float/d9-16/k5-16", 64, 1, 16))
                .with(entry(oldKernels, "full/float/d9-16/k5-16", 64, 1, 16))
                .with(entry(KEY, "diag/double/d9-16/k5-16", 32, 1, 0)).write();
        List<String> warnings = new ArrayList<>();
        Map<String, TuningCache.Entry> mine = TuningCache.read(f).forDevice(KEY, warnings::add);
        TuningCache.read(f).forDevice(KEY, warnings::add);
        assertEquals(List.of("diag/double/d9-16/k5-16"), List.copyOf(mine.keySet()));
        assertEquals(1, warnings.size(), warnings.toString());
        String w = warnings.get(0);
        assertTrue(w.contains("2 stale entries") && w.contains("driver 470.0") && w.contains("other kernel sources")
                && w.contains(f.toString()), w);
    }

    /** A fit's plan: the cache fills what the override leaves unset, and says so. */
    @Test
    void planTakesTheCacheAfterTheOverride() throws IOException {
        Path f = dir.resolve("plans.json");
        TuningCache.DeviceKey key = new TuningCache.DeviceKey("Fake", "Fake GPU", "", TuningCache.kernelHash());
        TuningCache.read(f).with(entry(key, "diag/float/d9-16/k5-16", 128, 2, 32)).write();
        TunedPlans t = TunedPlans.of(TuningCache.read(f), key);
        DeviceInfo gpu = KernelPlanTest.gpu();
        KernelPlan p = t.plan(gpu, Precision.FLOAT, 1_000_000, 12, 8, CovarianceType.SPHERICAL, false, 0, 0,
                PlanOverride.none());
        assertEquals(128, p.wgs);
        assertEquals(32, p.tile);
        assertTrue(p.source.startsWith("tuning cache " + f), p.source);
        KernelPlan o = t.plan(gpu, Precision.FLOAT, 1_000_000, 12, 8, CovarianceType.DIAG, false, 0, 0,
                PlanOverride.none().withWorkGroupSize(64));
        assertEquals(64, o.wgs);
        assertEquals(32, o.tile);
        assertTrue(o.source.startsWith("override + tuning cache"), o.source);
        KernelPlan untuned = t.plan(gpu, Precision.DOUBLE, 1_000_000, 12, 8, CovarianceType.DIAG, false, 0, 0,
                PlanOverride.none());
        assertEquals(256, untuned.wgs);
        assertEquals("defaults (other_gpu)", untuned.source);
    }
}

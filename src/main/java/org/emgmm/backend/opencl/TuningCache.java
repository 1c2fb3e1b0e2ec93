package org.emgmm.backend.opencl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.emgmm.data.AtomicFiles;
import org.jocl.CL;

/**
 * The per-user cache of tuned launch plans that {@code emgmm tune} writes and OpenCL fits read, as CLBlast keeps its
 * tuned parameters per device: one JSON file ({@value #FORMAT}, version {@value #VERSION}) of entries keyed by
 * platform name, device name, driver version ({@code CL_DRIVER_VERSION}), a hash of the kernel sources, and the
 * {@link ShapeClass}. Each entry holds the winning tunables (work-group size, accumulator tasks per item, tile rows;
 * 0 = the device class's default) and what was measured.
 *
 * <p>Where it lives: {@link #defaultPath}. A file that cannot be parsed, or is not this format, is ignored as a whole;
 * entries of the device that were tuned under another driver or other kernel sources (stale) are ignored. Either is
 * reported by one warning per file (and device), never an error: a fit then uses the device's defaults.
 */
public final class TuningCache {
    /** Environment variable naming the cache file (wins over the XDG location). */
    public static final String ENV = "EMGMM_TUNING_CACHE";
    /** The {@code format} field of the file. */
    static final String FORMAT = "emgmm-tuning";
    /** The {@code version} field of the file. */
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Warnings already given in this JVM (file, its state, device): each is given once. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static volatile String kernelHash;

    private final Path path;
    private final List<Entry> entries;
    /** Why the file was ignored as a whole, or null. */
    private final String problem;
    /** Identifies the file's state (size and modification time) in {@link #WARNED}. */
    private final String state;

    /**
     * One tuned result.
     *
     * @param platform platform name
     * @param device device name
     * @param driver driver version
     * @param kernels hash of the kernel sources ({@link #kernelHash()})
     * @param shapeClass {@link ShapeClass#key()}
     * @param workGroupSize tuned work-group size (0 = default)
     * @param tasksPerItem tuned accumulator tasks per item (0 = default)
     * @param tileRows tuned rows per tile, an upper bound (0 = what local memory holds)
     * @param defaultMs milliseconds per pass of the device's default plan
     * @param bestMs milliseconds per pass of this plan
     * @param rows rows of the measured problem
     * @param tunedAt ISO-8601 time of the measurement
     */
    public record Entry(String platform, String device, String driver, String kernels, String shapeClass,
                        int workGroupSize, int tasksPerItem, int tileRows, double defaultMs, double bestMs, long rows,
                        String tunedAt) {
        /** @return the tunables as a tuned override (the tile lowered to what fits each shape) */
        PlanOverride override() {
            PlanOverride o = PlanOverride.none();
            if (workGroupSize > 0) {
                o = o.withWorkGroupSize(workGroupSize);
            }
            if (tasksPerItem > 0) {
                o = o.withTasksPerItem(tasksPerItem);
            }
            if (tileRows > 0) {
                o = o.withTileRows(tileRows);
            }
            return o.asTuned();
        }

        boolean sameDevice(DeviceKey k) {
            return platform.equals(k.platform()) && device.equals(k.device());
        }

        boolean current(DeviceKey k) {
            return sameDevice(k) && driver.equals(k.driver()) && kernels.equals(k.kernels());
        }
    }

    /**
     * What identifies a device's tuning: platform, device name, driver version and the kernel sources' hash.
     *
     * @param platform platform name
     * @param device device name
     * @param driver driver version
     * @param kernels kernel source hash
     */
    public record DeviceKey(String platform, String device, String driver, String kernels) {
        /**
         * @param d a listed device (its driver version is queried; "" for a device made up by a test)
         * @return its key with the kernels of this build
         */
        static DeviceKey of(DeviceInfo d) {
            String driver;
            try {
                driver = d.deviceId == null ? "" : Cl.deviceString(d.deviceId, CL.CL_DRIVER_VERSION);
            } catch (OpenClException e) {
                driver = "unknown"; // a driver that cannot say its version still gets its defaults and tuning
            }
            return new DeviceKey(d.platform(), d.name(), driver, kernelHash());
        }
    }

    private TuningCache(Path path, List<Entry> entries, String problem, String state) {
        this.path = path;
        this.entries = Collections.unmodifiableList(entries);
        this.problem = problem;
        this.state = state;
    }

    /**
     * The cache file: {@code $EMGMM_TUNING_CACHE} when set, else {@code $XDG_CACHE_HOME/emgmm/tuning.json}, else
     * {@code ~/.cache/emgmm/tuning.json}.
     *
     * @return the path (the file need not exist)
     */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultPath(Map<String, String> env, String home) {
        String own = env.get(ENV);
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(home, ".cache");
        return base.resolve("emgmm").resolve("tuning.json");
    }

    /** The programs whose launch plans are tuned: a change to any file of theirs makes cached plans stale. */
    static final List<KernelSource> TUNED = List.of(KernelSource.ESTEP, KernelSource.ACCUM, KernelSource.REDUCE,
            KernelSource.FUSED);

    /**
     * @return SHA-256 (first 16 hex digits) of the sources of the {@link #TUNED} programs as this build holds them:
     *     common.cl, the fragments and the kernel files, as each program is built
     */
    static String kernelHash() {
        String h = kernelHash;
        if (h == null) {
            h = kernelHash(KernelSource::read);
            kernelHash = h;
        }
        return h;
    }

    /**
     * @param reader a kernel file's text by its name
     * @return the hash of the {@link #TUNED} programs' sources read through {@code reader}
     */
    static String kernelHash(Function<String, String> reader) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (KernelSource k : TUNED) {
                md.update(k.text(reader).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /**
     * Reads a cache file. A missing file is an empty cache; an unreadable or malformed one is an empty cache that
     * remembers why ({@link #problem()}), for {@link #lookup} to warn once.
     *
     * @param path the file
     * @return the cache
     */
    public static TuningCache read(Path path) {
        byte[] bytes;
        String state;
        try {
            bytes = Files.readAllBytes(path);
            state = Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis();
        } catch (NoSuchFileException e) {
            return new TuningCache(path, new ArrayList<>(), null, "absent");
        } catch (IOException e) {
            return new TuningCache(path, new ArrayList<>(), "cannot be read (" + e.getMessage() + ")", "unreadable");
        }
        try {
            return new TuningCache(path, parse(JSON.readTree(bytes)), null, state);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : String.format(Locale.ROOT, " at line %d, column %d",
                    e.getLocation().getLineNr(), e.getLocation().getColumnNr());
            return new TuningCache(path, new ArrayList<>(), "is not valid JSON" + where, state);
        } catch (IOException | IllegalArgumentException e) {
            return new TuningCache(path, new ArrayList<>(), e.getMessage(), state);
        }
    }

    private static List<Entry> parse(JsonNode root) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException("is not an " + FORMAT + " file (no \"format\": \"" + FORMAT + "\")");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("has version " + root.path("version") + ", this build reads "
                    + VERSION);
        }
        JsonNode arr = root.path("entries");
        if (!arr.isArray()) {
            throw new IllegalArgumentException("has no \"entries\" array");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode e = arr.get(i);
            try {
                ShapeClass.parse(text(e, "class"));
                Entry en = new Entry(text(e, "platform"), text(e, "device"), text(e, "driver"), text(e, "kernels"),
                        text(e, "class"), count(e, "work_group_size"), count(e, "tasks_per_item"),
                        count(e, "tile_rows"), e.path("default_ms").asDouble(Double.NaN),
                        e.path("best_ms").asDouble(Double.NaN), e.path("rows").asLong(0),
                        e.path("tuned_at").asText(""));
                if (en.tileRows() % 4 != 0) {
                    throw new IllegalArgumentException("tile_rows " + en.tileRows() + " is not a multiple of 4");
                }
                out.add(en);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("has a bad entry " + i + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not a string");
        }
        return v.asText();
    }

    private static int count(JsonNode e, String field) {
        JsonNode v = e.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() > 1 << 20) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not a count");
        }
        return v.asInt();
    }

    /** @return the file */
    public Path path() {
        return path;
    }

    /** @return the entries read (none when the file was missing or malformed) */
    public List<Entry> entries() {
        return entries;
    }

    /** @return why the file was ignored as a whole, or null when it was read (or absent) */
    public String problem() {
        return problem;
    }

    /**
     * The current entries of one device, after one warning (per JVM, file state and device) when the file was
     * malformed or holds stale entries of this device.
     *
     * @param key the device
     * @param warn where the warning goes
     * @return the device's entries tuned under its present driver and kernels, by shape class key
     */
    Map<String, Entry> forDevice(DeviceKey key, Consumer<String> warn) {
        if (problem != null) {
            once("corrupt", key, warn, "ignoring the tuning cache " + path + ": it " + problem
                    + "; OpenCL fits use the device's default plans (run 'emgmm tune' to rewrite it, or delete it)");
            return Map.of();
        }
        Map<String, Entry> out = new ConcurrentHashMap<>();
        List<String> stale = new ArrayList<>();
        for (Entry e : entries) {
            if (e.current(key)) {
                out.put(e.shapeClass(), e);
            } else if (e.sameDevice(key)) {
                stale.add(e.shapeClass() + (e.driver().equals(key.driver()) ? " (other kernel sources)"
                        : " (driver " + e.driver() + ")"));
            }
        }
        if (!stale.isEmpty()) {
            once("stale", key, warn, String.format(Locale.ROOT, "ignoring %d stale entr%s of the tuning cache %s for %s"
                    + " (driver %s, kernels %s): %s; run 'emgmm tune' again to refresh them", stale.size(),
                    stale.size() == 1 ? "y" : "ies", path, key.device(), key.driver(), key.kernels(),
                    String.join(", ", stale)));
        }
        return out;
    }

    private void once(String kind, DeviceKey key, Consumer<String> warn, String message) {
        if (WARNED.add(kind + "|" + path.toAbsolutePath() + "|" + state + "|" + key)) {
            warn.accept(message);
        }
    }

    /**
     * @param e a new result
     * @return this cache with {@code e} in place of any entry of the same platform, device and shape class (stale
     *     ones included); a malformed file's content is dropped
     */
    public TuningCache with(Entry e) {
        List<Entry> out = new ArrayList<>();
        for (Entry x : entries) {
            if (!(x.platform().equals(e.platform()) && x.device().equals(e.device())
                    && x.shapeClass().equals(e.shapeClass()))) {
                out.add(x);
            }
        }
        out.add(e);
        out.sort(Comparator.comparing(Entry::platform).thenComparing(Entry::device).thenComparing(Entry::shapeClass));
        return new TuningCache(path, out, null, state);
    }

    /**
     * Writes the cache atomically (a reader sees the old file or the new one), creating its directory.
     *
     * @throws IOException when the file cannot be written
     */
    public void write() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ArrayNode arr = root.putArray("entries");
        for (Entry e : entries) {
            ObjectNode o = arr.addObject();
            o.put("platform", e.platform());
            o.put("device", e.device());
            o.put("driver", e.driver());
            o.put("kernels", e.kernels());
            o.put("class", e.shapeClass());
            o.put("work_group_size", e.workGroupSize());
            o.put("tasks_per_item", e.tasksPerItem());
            o.put("tile_rows", e.tileRows());
            o.put("default_ms", e.defaultMs());
            o.put("best_ms", e.bestMs());
            o.put("rows", e.rows());
            o.put("tuned_at", e.tunedAt());
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.write(path, (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}

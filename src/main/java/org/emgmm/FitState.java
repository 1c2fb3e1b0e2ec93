package org.emgmm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.emgmm.data.AtomicFiles;
import org.emgmm.data.DataFingerprint;
import org.emgmm.data.Dataset;
import org.emgmm.em.EmLoop;

/**
 * The whole state of a fit after an EM iteration: a checkpoint. EM's state is its parameters, so this is the
 * running initialisation's parameters with its iteration count, lower-bound history and events, plus, for
 * {@code nInit} &gt; 1, which initialisation is running and the best finished one so far; and, to refuse a resume
 * that could not continue the same fit, the settings and a {@link DataFingerprint} of the data.
 *
 * <p>A fit hands one to {@link FitListener#checkpoint} after every iteration. Continuing from one
 * ({@link StartParameters#resume(FitState)}) with the same settings on the same data gives the same bits as the fit
 * that was never interrupted: the iteration count and the previous lower bound of the convergence test carry on,
 * and the random generator of the running initialisation is put back where it was by replaying its draws from
 * the seed (the initialisation itself and the rows drawn to re-seed collapsed components).
 *
 * <p>Saved ({@link #toJson()}, {@link #save(Path)}), a state is a valid model file (DESIGN.md's format) holding the
 * running initialisation's parameters, so {@code MixtureModel.load} reads it and {@code --init-model} accepts it,
 * with one more field, {@code "checkpoint"}:
 *
 * <pre>
 * "checkpoint": { "format": "emgmm-checkpoint", "version": 1,
 *   "restart": 0-based index of the running initialisation, "n_init": N, "restart_done": true|false,
 *   "reseed_draws": rows drawn so far to re-seed collapsed components in this initialisation,
 *   "settings": { "k", "covariance_type", "tol", "reg_covar", "max_iter", "n_init", "seed", "init",
 *                 "precision", "backend", "start" (a hash of the start parameters, or "none") },
 *   "data": { "rows", "features", "weight_sum", "sample_rows", "sample_checksum" },
 *   "best_restart": index or null, "best": a model object (the best finished initialisation) or null }
 * </pre>
 *
 * Immutable; getters copy.
 */
public final class FitState {
    /** The value of the checkpoint's "format" field. */
    public static final String FORMAT = "emgmm-checkpoint";
    /** The checkpoint version this code writes and reads. */
    public static final int VERSION = 1;

    private final MixtureModel current;
    private final int restart;
    private final int nInit;
    private final boolean restartDone;
    private final int reseedDraws;
    private final MixtureModel best;
    private final int bestRestart;
    private final Map<String, String> settings;
    private final ObjectNode settingsJson;
    private final Supplier<DataFingerprint> data;

    private FitState(MixtureModel current, int restart, int nInit, boolean restartDone, int reseedDraws,
                     MixtureModel best, int bestRestart, ObjectNode settingsJson, Supplier<DataFingerprint> data) {
        this.current = current;
        this.restart = restart;
        this.nInit = nInit;
        this.restartDone = restartDone;
        this.reseedDraws = reseedDraws;
        this.best = best;
        this.bestRestart = bestRestart;
        this.settingsJson = settingsJson.deepCopy();
        this.settings = textOf(settingsJson);
        this.data = data;
    }

    /**
     * The state after an iteration of a fit, as the fitter makes it.
     *
     * @param loop the running initialisation's loop state
     * @param restart its index
     * @param best the best finished initialisation (including this one when it is done), or null
     * @param bestRestart index of {@code best}, or -1
     * @param s the fit's settings
     * @param settingsJson {@link #settingsOf} of the fit
     * @param backend backend name
     * @param device device in words
     * @param data the data's fingerprint, read when first needed ({@link #lazyFingerprint})
     * @return the state
     */
    static FitState of(EmLoop.Result loop, int restart, EmLoop.Result best, int bestRestart, GmmSettings s,
                       ObjectNode settingsJson, String backend, String device, Supplier<DataFingerprint> data) {
        MixtureModel cur = MixtureModel.fitted(loop.params, loop.converged, loop.iterations(), loop.lowerBound(),
                loop.history, s, backend, device, loop.events);
        MixtureModel b = best == null ? null : MixtureModel.fitted(best.params, best.converged,
                best.iterations(), best.lowerBound(), best.history, s, backend, device, best.events);
        return new FitState(cur, restart, s.nInit(), loop.done, loop.reseedDraws, b, best == null ? -1 : bestRestart,
                settingsJson, data);
    }

    /**
     * The settings a resumed fit must repeat, as a checkpoint records them: all that changes the result (the
     * thread count does not; the backend does, as backends sum in different orders).
     *
     * @param s settings
     * @param backend name of the backend that runs the fit
     * @return the settings as a JSON object
     */
    static ObjectNode settingsOf(GmmSettings s, String backend) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("k", s.k());
        o.put("covariance_type", s.covarianceType().jsonName());
        o.put("tol", s.tol());
        o.put("reg_covar", s.regCovar());
        o.put("max_iter", s.maxIter());
        o.put("n_init", s.nInit());
        o.put("seed", s.seed());
        o.put("init", s.init().cliName());
        o.put("precision", s.precision().name().toLowerCase(Locale.ROOT));
        o.put("backend", backend);
        StartParameters st = s.start();
        double[] w = st == null ? null : st.weights();
        double[] m = st == null ? null : st.means();
        double[] c = st == null ? null : st.covariances();
        o.put("start", w == null && m == null && c == null ? "none"
                : String.format("%016x", DataFingerprint.hash(w, m, c)));
        return o;
    }

    /**
     * The fingerprint of a fit's data, read once, on first use: a fit whose listener does not save its states
     * never pays for it (4,096 row reads, and a pass over the weights when there are weights).
     *
     * @param dataset the data
     * @return a thread-safe memoising supplier
     */
    static Supplier<DataFingerprint> lazyFingerprint(Dataset dataset) {
        return new Supplier<>() {
            private DataFingerprint value;

            @Override
            public synchronized DataFingerprint get() {
                if (value == null) {
                    value = DataFingerprint.of(dataset);
                }
                return value;
            }
        };
    }

    private static Map<String, String> textOf(JsonNode o) {
        Map<String, String> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = o.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Checks that a fit with these settings on this data continues the fit this state belongs to.
     *
     * @param settingsNow {@link #settingsOf} of the fit about to resume
     * @param dataNow the fingerprint of its data
     * @throws IllegalArgumentException naming every setting and data property that differs
     */
    void checkResumable(ObjectNode settingsNow, DataFingerprint dataNow) {
        Map<String, String> now = textOf(settingsNow);
        List<String> diffs = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>(settings.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            String was = settings.get(key);
            String is = now.get(key);
            if (was == null || !was.equals(is)) {
                diffs.add(key + ": " + (was == null ? "absent" : was) + " in the checkpoint, "
                        + (is == null ? "absent" : is) + " now");
            }
        }
        diffs.addAll(data.get().differences(dataNow));
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot resume: the checkpoint was made with other "
                    + (diffs.stream().allMatch(d -> d.startsWith("data ")) ? "data"
                    : diffs.stream().anyMatch(d -> d.startsWith("data ")) ? "settings and data" : "settings")
                    + " (" + String.join("; ", diffs) + ")");
        }
    }

    /** @return the running initialisation's loop state, to continue */
    EmLoop.Result loopState() {
        return EmLoop.Result.restored(current.gaussians(), current.lowerBoundHistory(), current.converged(),
                current.events(), reseedDraws, restartDone);
    }

    /** @return the best finished initialisation as a loop result, or null */
    EmLoop.Result bestResult() {
        return best == null ? null : EmLoop.Result.restored(best.gaussians(), best.lowerBoundHistory(),
                best.converged(), best.events(), 0, true);
    }

    /** @return 0-based index of the running (or last finished) initialisation */
    public int restart() {
        return restart;
    }

    /** @return number of initialisations of the fit */
    public int nInit() {
        return nInit;
    }

    /** @return EM iterations the running initialisation has done */
    public int iterations() {
        return current.nIter();
    }

    /** @return the running initialisation's lower bound after each of its iterations */
    public double[] lowerBoundHistory() {
        return current.lowerBoundHistory();
    }

    /** @return whether the running initialisation has ended (converged or reached the iteration limit) */
    public boolean restartDone() {
        return restartDone;
    }

    /** @return whether the whole fit has ended: resuming from it only returns {@link #best()} */
    public boolean finished() {
        return restartDone && restart == nInit - 1;
    }

    /** @return rows drawn so far to re-seed collapsed components in the running initialisation */
    public int reseedDraws() {
        return reseedDraws;
    }

    /**
     * @return the running initialisation's parameters as a model (converged, iteration count, history and events
     *         of this initialisation alone)
     */
    public MixtureModel model() {
        return current;
    }

    /**
     * @return the best finished initialisation so far (the current one included once it is done), or null; for a
     *         finished fit, the fit's result but for the fit-wide events (a backend fallback)
     */
    public MixtureModel best() {
        return best;
    }

    /** @return the index of {@link #best()}, or -1 */
    public int bestRestart() {
        return bestRestart;
    }

    /** @return the recorded settings, by their checkpoint names, as text */
    public Map<String, String> settings() {
        return settings;
    }

    /**
     * @return the fingerprint of the data the fit ran on; for a state a fit has just handed over, read from the
     *         data on the first call on any state of that fit (so the data must still be open then)
     */
    public DataFingerprint data() {
        return data.get();
    }

    /** @return the checkpoint as model file text (see the class comment) */
    public String toJson() {
        ObjectNode o = ModelJson.toJsonTree(current);
        ObjectNode c = o.putObject("checkpoint");
        c.put("format", FORMAT);
        c.put("version", VERSION);
        c.put("restart", restart);
        c.put("n_init", nInit);
        c.put("restart_done", restartDone);
        c.put("reseed_draws", reseedDraws);
        c.set("settings", settingsJson.deepCopy());
        DataFingerprint fp = data.get();
        ObjectNode d = c.putObject("data");
        d.put("rows", fp.rows());
        d.put("features", fp.features());
        d.put("weight_sum", fp.weightSum());
        d.put("sample_rows", fp.sampleRows());
        d.put("sample_checksum", fp.sampleChecksum());
        if (best == null) {
            c.putNull("best_restart");
            c.putNull("best");
        } else {
            c.put("best_restart", bestRestart);
            c.set("best", ModelJson.toJsonTree(best));
        }
        return ModelJson.writeJson(o);
    }

    /**
     * Writes the checkpoint atomically and durably (a temporary file forced to storage, then renamed over
     * {@code path}), so the file always holds a whole checkpoint, the previous or this one.
     *
     * @param path destination
     * @throws IOException when it cannot be written
     */
    public void save(Path path) throws IOException {
        AtomicFiles.writeSynced(path, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param path a checkpoint file
     * @return the state
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file and field when it is not a valid checkpoint
     */
    public static FitState load(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        try {
            return fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param text checkpoint file content
     * @return the state
     * @throws IllegalArgumentException naming the field when the content is not a valid checkpoint
     */
    public static FitState fromJson(String text) {
        JsonNode o = ModelJson.readJson(text);
        JsonNode c = o.get("checkpoint");
        if (c == null || !c.isObject()) {
            throw new IllegalArgumentException("not a checkpoint: it has no \"checkpoint\" object (a model saved "
                    + "with --output is not a checkpoint; it can be a warm start with --init-model)");
        }
        if (!FORMAT.equals(c.path("format").asText())) {
            throw new IllegalArgumentException("field \"checkpoint.format\" is " + c.get("format")
                    + ", expected \"" + FORMAT + "\"");
        }
        if (c.path("version").asInt(0) != VERSION) {
            throw new IllegalArgumentException("checkpoint version " + c.get("version") + " is not the version "
                    + "this emgmm reads (" + VERSION + ")");
        }
        MixtureModel cur = ModelJson.fromJsonTree(o);
        int nInit = intField(c, "n_init", 1);
        int restart = intField(c, "restart", 0);
        if (restart >= nInit) {
            throw new IllegalArgumentException("field \"checkpoint.restart\" is " + restart + ", not below n_init "
                    + nInit);
        }
        JsonNode s = c.get("settings");
        if (s == null || !s.isObject()) {
            throw new IllegalArgumentException("missing object \"checkpoint.settings\"");
        }
        JsonNode d = c.get("data");
        if (d == null || !d.isObject()) {
            throw new IllegalArgumentException("missing object \"checkpoint.data\"");
        }
        DataFingerprint fp;
        try {
            fp = new DataFingerprint(d.path("rows").asLong(-1), d.path("features").asInt(-1),
                    d.path("weight_sum").asDouble(Double.NaN), d.path("sample_rows").asInt(-1),
                    Long.parseUnsignedLong(d.path("sample_checksum").asText(), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field \"checkpoint.data.sample_checksum\" is "
                    + d.get("sample_checksum") + ", expected 16 hexadecimal digits", e);
        }
        JsonNode b = c.get("best");
        MixtureModel best = null;
        int bestRestart = -1;
        if (b != null && !b.isNull()) {
            try {
                best = ModelJson.fromJsonTree(b);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("in \"checkpoint.best\": " + e.getMessage(), e);
            }
            bestRestart = intField(c, "best_restart", 0);
        }
        if (!c.path("restart_done").isBoolean()) {
            throw new IllegalArgumentException("field \"checkpoint.restart_done\" must be true or false");
        }
        return new FitState(cur, restart, nInit, c.get("restart_done").asBoolean(), intField(c, "reseed_draws", 0),
                best, bestRestart, (ObjectNode) s, () -> fp);
    }

    private static int intField(JsonNode c, String field, int min) {
        JsonNode v = c.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
            throw new IllegalArgumentException("field \"checkpoint." + field + "\" is " + v + ", expected an integer >= "
                    + min);
        }
        return v.asInt();
    }
}

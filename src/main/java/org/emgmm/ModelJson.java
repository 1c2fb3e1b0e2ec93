package org.emgmm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.emgmm.config.CovarianceType;
import org.emgmm.em.Gaussians;

/**
 * The model file (DESIGN.md, "Model file"; names as scikit-learn's attributes) written from and read into a
 * {@link MixtureModel}: {@link MixtureModel#toJson}, {@link MixtureModel#save}, {@link MixtureModel#load} and
 * {@link MixtureModel#fromJson} call this, and {@link FitState} builds its checkpoint on the same tree.
 */
final class ModelJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelJson() {
    }

    /**
     * @param m a model
     * @return the model file text
     */
    static String toJson(MixtureModel m) {
        return writeJson(toJsonTree(m));
    }

    /**
     * @param m a model
     * @return the model file as a JSON tree, to which a checkpoint adds its fields
     */
    static ObjectNode toJsonTree(MixtureModel m) {
        Gaussians g = m.gaussians();
        ObjectNode o = JSON.createObjectNode();
        o.put("format", MixtureModel.FORMAT);
        o.put("version", MixtureModel.VERSION);
        o.put("covariance_type", g.type.jsonName());
        o.put("n_components", g.k);
        o.put("n_features", g.d);
        o.set("weights", array(g.weights, 0, g.k));
        ArrayNode means = o.putArray("means");
        for (int j = 0; j < g.k; j++) {
            means.add(array(g.means, j * g.d, g.d));
        }
        o.set("covariances", covariances(g));
        o.put("converged", m.converged());
        o.put("n_iter", m.nIter());
        if (Double.isFinite(m.lowerBound())) {
            o.put("lower_bound", m.lowerBound());
        } else {
            o.putNull("lower_bound");
        }
        double[] history = m.lowerBoundHistory();
        o.set("lower_bound_history", array(history, 0, history.length));
        o.put("reg_covar", m.regCovar());
        o.put("tol", m.tol());
        o.put("backend", m.backend());
        o.put("device", m.device());
        if (!m.events().isEmpty()) {
            ArrayNode ev = o.putArray("events");
            m.events().forEach(ev::add);
        }
        return o;
    }

    /** The "covariances" field: spherical [K], diag [[D]×K], tied [[D]×D], full [[[D]×D]×K]. */
    private static ArrayNode covariances(Gaussians g) {
        int d = g.d;
        switch (g.type) {
            case SPHERICAL:
                return array(g.covariances, 0, g.k);
            case DIAG: {
                ArrayNode c = JSON.createArrayNode();
                for (int j = 0; j < g.k; j++) {
                    c.add(array(g.covariances, j * d, d));
                }
                return c;
            }
            case TIED:
                return matrix(g.covariances, 0, d);
            default: {
                ArrayNode c = JSON.createArrayNode();
                for (int j = 0; j < g.k; j++) {
                    c.add(matrix(g.covariances, j * d * d, d));
                }
                return c;
            }
        }
    }

    /**
     * @param o a JSON tree
     * @return its text, indented, with a final newline
     */
    static String writeJson(JsonNode o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode array(double[] v, int off, int len) {
        ArrayNode a = JSON.createArrayNode();
        for (int i = 0; i < len; i++) {
            a.add(v[off + i]);
        }
        return a;
    }

    private static ArrayNode matrix(double[] v, int off, int d) {
        ArrayNode a = JSON.createArrayNode();
        for (int r = 0; r < d; r++) {
            a.add(array(v, off + r * d, d));
        }
        return a;
    }

    /**
     * @param text JSON text
     * @return its tree, an object
     * @throws IllegalArgumentException naming line and column when it is not JSON, or not an object
     */
    static JsonNode readJson(String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("a model file must hold a JSON object");
        }
        return o;
    }

    /**
     * @param text model file content
     * @return the model
     * @throws IllegalArgumentException naming the field when the content is not a valid model
     */
    static MixtureModel fromJson(String text) {
        return fromJsonTree(readJson(text));
    }

    /**
     * @param o a model file's JSON object
     * @return the model
     * @throws IllegalArgumentException naming the field when the content is not a valid model
     */
    static MixtureModel fromJsonTree(JsonNode o) {
        checkFormat(o);
        CovarianceType type = CovarianceType.parse(text(o, "covariance_type"));
        double[] weights = flatten(require(o, "weights"), "weights", 1);
        double[] means = flatten(require(o, "means"), "means", 2);
        int depth = type == CovarianceType.SPHERICAL ? 1 : type == CovarianceType.FULL ? 3 : 2;
        double[] cov = flatten(require(o, "covariances"), "covariances", depth);
        int k = weights.length;
        if (k == 0) {
            throw new IllegalArgumentException("field \"weights\" is empty");
        }
        if (o.has("n_components") && o.get("n_components").asInt() != k) {
            throw new IllegalArgumentException("field \"n_components\" is " + o.get("n_components").asInt()
                    + " but \"weights\" has " + k + " values");
        }
        if (means.length % k != 0) {
            throw new IllegalArgumentException("field \"means\" does not hold " + k + " rows of equal length");
        }
        int d = means.length / k;
        if (o.has("n_features") && o.get("n_features").asInt() != d) {
            throw new IllegalArgumentException("field \"n_features\" is " + o.get("n_features").asInt()
                    + " but \"means\" rows have " + d + " values");
        }
        new StartParameters(weights, means, cov).check(k, d, type);
        Gaussians g = Gaussians.of(type, weights, means, cov, 0);
        List<Double> hist = new ArrayList<>();
        if (o.has("lower_bound_history") && o.get("lower_bound_history").isArray()) {
            o.get("lower_bound_history").forEach(v -> hist.add(v.asDouble()));
        }
        double[] h = hist.stream().mapToDouble(Double::doubleValue).toArray();
        List<String> ev = new ArrayList<>();
        if (o.has("events") && o.get("events").isArray()) {
            o.get("events").forEach(v -> ev.add(v.asText()));
        }
        JsonNode lb = o.get("lower_bound");
        return new MixtureModel(g, o.path("converged").asBoolean(false), o.path("n_iter").asInt(0),
                lb == null || lb.isNull() ? Double.NaN : lb.asDouble(), h, o.path("reg_covar").asDouble(0),
                o.path("tol").asDouble(0), o.path("backend").asText("unknown"), o.path("device").asText("unknown"),
                Collections.unmodifiableList(ev));
    }

    private static void checkFormat(JsonNode o) {
        if (o.has("format") && !MixtureModel.FORMAT.equals(o.get("format").asText())) {
            throw new IllegalArgumentException("field \"format\" is \"" + o.get("format").asText()
                    + "\", expected \"" + MixtureModel.FORMAT + "\"");
        }
        if (o.has("version") && o.get("version").asInt() > MixtureModel.VERSION) {
            throw new IllegalArgumentException("model file version " + o.get("version").asInt()
                    + " is newer than this emgmm reads (" + MixtureModel.VERSION + ")");
        }
    }

    private static JsonNode require(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field \"" + field + "\"");
        }
        return v;
    }

    private static String text(JsonNode o, String field) {
        return require(o, field).asText();
    }

    private static double[] flatten(JsonNode v, String field, int depth) {
        List<Double> out = new ArrayList<>();
        flattenInto(v, field, depth, out, field);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flattenInto(JsonNode v, String field, int depth, List<Double> out, String where) {
        if (depth == 0) {
            if (!v.isNumber()) {
                throw new IllegalArgumentException("field \"" + field + "\": " + where + " is " + v
                        + ", expected a number");
            }
            out.add(v.asDouble());
            return;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("field \"" + field + "\": " + where + " is " + v
                    + ", expected an array (nested " + depth + " deep)");
        }
        int width = -1;
        for (int i = 0; i < v.size(); i++) {
            JsonNode c = v.get(i);
            if (depth > 1) {
                if (width >= 0 && c.size() != width) {
                    throw new IllegalArgumentException("field \"" + field + "\": " + where + "[" + i + "] has "
                            + c.size() + " values, the previous rows " + width);
                }
                width = c.size();
            }
            flattenInto(c, field, depth - 1, out, where + "[" + i + "]");
        }
    }
}

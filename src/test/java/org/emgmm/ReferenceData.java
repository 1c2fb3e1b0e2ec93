package org.emgmm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;

/**
 * Reference fits made by scikit-learn 1.2.1, read from the test resources {@code /reference/*.json}. They were
 * produced, from the repository root, by
 *
 * <pre>
 *   /usr/bin/python3 src/test/resources/reference/make_reference.py src/test/resources/reference
 * </pre>
 *
 * Each file holds one data set (its values, or for Old Faithful the name of the bundled CSV resource, which is read
 * here) and, per covariance type, the explicit start and scikit-learn's {@code weights_}, {@code means_},
 * {@code covariances_}, {@code lower_bound_} and {@code n_iter_} at tol 1e-10, reg_covar 1e-6.
 */
public final class ReferenceData {
    /** Names of the reference data sets. */
    public static final List<String> SETS = List.of("faithful", "synthetic_1d_k3", "synthetic_2d_k4",
            "synthetic_8d_k5");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceData() {
    }

    /** One data set and its reference fits. */
    public static final class Set {
        /** Set name. */
        public final String name;
        /** Samples. */
        public final int n;
        /** Features. */
        public final int d;
        /** Components. */
        public final int k;
        /** The data, row-major (copy before changing). */
        public final double[] data;
        /** tol of the reference fits. */
        public final double tol;
        /** reg_covar of the reference fits. */
        public final double regCovar;
        /** max_iter of the reference fits. */
        public final int maxIter;
        /** One case per covariance type. */
        public final List<Case> cases;

        Set(JsonNode o) {
            name = o.get("name").asText();
            n = o.get("n_samples").asInt();
            d = o.get("n_features").asInt();
            k = o.get("n_components").asInt();
            tol = o.get("tol").asDouble();
            regCovar = o.get("reg_covar").asDouble();
            maxIter = o.get("max_iter").asInt();
            data = o.get("data").isNull() ? faithful() : doubles(o.get("data"));
            if (data.length != n * d) {
                throw new IllegalStateException(name + ": " + data.length + " values for " + n + " x " + d);
            }
            List<Case> cs = new ArrayList<>();
            o.get("cases").forEach(c -> cs.add(new Case(this, c)));
            cases = List.copyOf(cs);
        }

        /** @return the data as a dataset (no weights) */
        public ArrayDataset dataset() {
            return ArrayDataset.of(data.clone(), d, null);
        }

        /**
         * @param type a covariance type
         * @return the case of that type
         */
        public Case get(CovarianceType type) {
            return cases.stream().filter(c -> c.type == type).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The fit of one data set with one covariance type. */
    public static final class Case {
        /** The set it belongs to. */
        public final Set set;
        /** Covariance type. */
        public final CovarianceType type;
        /** Start weights, means (K×D), covariances (type layout). */
        public final double[] startWeights;
        /** Start means, K×D. */
        public final double[] startMeans;
        /** Start covariances in the type's layout. */
        public final double[] startCovariances;
        /** scikit-learn's weights_. */
        public final double[] weights;
        /** scikit-learn's means_, K×D. */
        public final double[] means;
        /** scikit-learn's covariances_, type layout. */
        public final double[] covariances;
        /** scikit-learn's lower_bound_. */
        public final double lowerBound;
        /** scikit-learn's n_iter_. */
        public final int nIter;
        /** scikit-learn's score, bic, aic and _n_parameters of the fitted model on the set's data. */
        public final JsonNode criteria;
        /** Extra evaluations of the fitted model (score_samples, predict_proba, bic, ...), or null. */
        public final JsonNode modelChecks;

        Case(Set set, JsonNode c) {
            this.set = set;
            type = CovarianceType.parse(c.get("covariance_type").asText());
            JsonNode s = c.get("start");
            startWeights = doubles(s.get("weights"));
            startMeans = doubles(s.get("means"));
            startCovariances = doubles(s.get("covariances"));
            JsonNode e = c.get("expected");
            weights = doubles(e.get("weights"));
            means = doubles(e.get("means"));
            covariances = doubles(e.get("covariances"));
            lowerBound = e.get("lower_bound").asDouble();
            nIter = e.get("n_iter").asInt();
            criteria = c.get("criteria");
            modelChecks = c.get("model_checks");
        }

        /** @return the explicit start */
        public StartParameters start() {
            return new StartParameters(startWeights, startMeans, startCovariances);
        }

        /** @return settings of the reference fit: k, type, tol, regCovar, maxIter, the start */
        public GmmSettings.Builder settings() {
            return GmmSettings.builder().k(set.k).covarianceType(type).tol(set.tol).regCovar(set.regCovar)
                    .maxIter(set.maxIter).start(start());
        }

        @Override
        public String toString() {
            return set.name + "/" + type.jsonName();
        }
    }

    /**
     * @param name a set name of {@link #SETS}
     * @return the set, read from the classpath
     */
    public static Set load(String name) {
        try (InputStream in = ReferenceData.class.getResourceAsStream("/reference/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /reference/" + name + ".json");
            }
            return new Set(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static volatile List<Set> cache;

    /** @return every reference set (read once) */
    public static List<Set> all() {
        List<Set> c = cache;
        if (c == null) {
            List<Set> out = new ArrayList<>();
            SETS.forEach(s -> out.add(load(s)));
            c = List.copyOf(out);
            cache = c;
        }
        return c;
    }

    /** @return every reference case of every set */
    public static Stream<Case> cases() {
        return all().stream().flatMap(s -> s.cases.stream());
    }

    /** @return Old Faithful (272 × 2) from the bundled classpath resource {@code /org/emgmm/faithful.csv} */
    public static double[] faithful() {
        try (InputStream in = ReferenceData.class.getResourceAsStream("/org/emgmm/faithful.csv")) {
            if (in == null) {
                throw new IllegalStateException("missing resource /org/emgmm/faithful.csv");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Double> v = new ArrayList<>();
            r.readLine(); // header
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    for (String cell : line.split(",")) {
                        v.add(Double.parseDouble(cell.trim()));
                    }
                }
            }
            return v.stream().mapToDouble(Double::doubleValue).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}

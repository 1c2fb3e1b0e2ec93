package org.emgmm.spark;

import java.io.IOException;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.emgmm.FitListener;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.StartParameters;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;

/**
 * A Gaussian mixture fitted by EM on a Spark cluster with emgmm's backends (Bishop, PRML §9.2; parameterised as
 * scikit-learn's {@code GaussianMixture}), a Spark ML {@link Estimator} usable in a {@code Pipeline}:
 *
 * <pre>{@code
 * GaussianMixtureModel m = new GaussianMixture().setK(3).setCovarianceType("diag").fit(df);
 * m.transform(df).select("prediction", "probability");
 * }</pre>
 *
 * Each partition's rows are packed once into primitive arrays and cached (memory and disk); each EM iteration is
 * one pass of emgmm's backend per partition (the CPU backend, or OpenCL on a task's {@code gpu} resource), whose
 * sufficient statistics are added in partition order; the M step runs on the driver and the parameters are
 * broadcast. All four covariance types, sample weights, restarts and warm starts behave as in {@code emgmm fit},
 * and one partition gives the single-machine fit's bits. Bad input (null, NaN or infinite features, vectors of
 * mixed length, negative weights, k &gt; rows, unknown columns) is reported with column, partition and row before
 * the first iteration.
 */
public final class GaussianMixture extends Estimator<GaussianMixtureModel>
        implements GaussianMixtureParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ParamSet paramSet;
    private int fanIn = SparkPass.FAN_IN;
    private int maxTasks;

    /** @param uid unique id (used by persistence) */
    public GaussianMixture(String uid) {
        this.uid = uid;
        this.paramSet = new ParamSet(uid);
        paramSet.setDefaults(this);
    }

    /** An estimator with a random uid and the default params. */
    public GaussianMixture() {
        this(Identifiable$.MODULE$.randomUID("emgmm_GaussianMixture"));
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public ParamSet paramSet() {
        return paramSet;
    }

    /** @param v number of components @return this */
    public GaussianMixture setK(int v) {
        set(k(), v);
        return this;
    }

    /** @param v full, diag, spherical or tied @return this */
    public GaussianMixture setCovarianceType(String v) {
        set(covarianceType(), v);
        return this;
    }

    /** @param v maximum iterations per initialisation @return this */
    public GaussianMixture setMaxIter(int v) {
        set(maxIter(), v);
        return this;
    }

    /** @param v convergence threshold @return this */
    public GaussianMixture setTol(double v) {
        set(tol(), v);
        return this;
    }

    /** @param v regularisation added to covariance diagonals @return this */
    public GaussianMixture setRegCovar(double v) {
        set(regCovar(), v);
        return this;
    }

    /** @param v random seed @return this */
    public GaussianMixture setSeed(long v) {
        set(seed(), v);
        return this;
    }

    /** @param v number of initialisations @return this */
    public GaussianMixture setNInit(int v) {
        set(nInit(), v);
        return this;
    }

    /** @param v kmeans++, random or random-from-data @return this */
    public GaussianMixture setInit(String v) {
        set(init(), v);
        return this;
    }

    /** @param v path of an emgmm model file to start from (any Hadoop file system) @return this */
    public GaussianMixture setInitialModelPath(String v) {
        set(initialModelPath(), v);
        return this;
    }

    /** @param v an emgmm model to start from (its k and covariance type apply) @return this */
    public GaussianMixture setInitialModel(MixtureModel v) {
        set(initialModelJson(), v.toJson());
        return this;
    }

    /** @param v a fitted Spark model to start from (warm start) @return this */
    public GaussianMixture setInitialModel(GaussianMixtureModel v) {
        return setInitialModel(v.mixtureModel());
    }

    /** @param v features column @return this */
    public GaussianMixture setFeaturesCol(String v) {
        set(featuresCol(), v);
        return this;
    }

    /** @param v sample weight column @return this */
    public GaussianMixture setWeightCol(String v) {
        set(weightCol(), v);
        return this;
    }

    /** @param v prediction column of the model @return this */
    public GaussianMixture setPredictionCol(String v) {
        set(predictionCol(), v);
        return this;
    }

    /** @param v probability column of the model @return this */
    public GaussianMixture setProbabilityCol(String v) {
        set(probabilityCol(), v);
        return this;
    }

    /** @param v float or double @return this */
    public GaussianMixture setPrecision(String v) {
        set(precision(), v);
        return this;
    }

    /** @param v auto, cpu or opencl @return this */
    public GaussianMixture setBackend(String v) {
        set(backend(), v);
        return this;
    }

    /** Partial sums added on the driver at most (tests use a small value to exercise the grouped sum). */
    GaussianMixture setFanIn(int v) {
        this.fanIn = v;
        return this;
    }

    /** Tasks per iteration at most; 0 (the default) for the cluster's task slots (tests vary it). */
    GaussianMixture setMaxTasks(int v) {
        this.maxTasks = v;
        return this;
    }

    @Override
    public GaussianMixtureModel fit(Dataset<?> dataset) {
        return fit(dataset, new FitListener() { });
    }

    /**
     * Fits, reporting progress.
     *
     * @param dataset data with the features (and weight) columns
     * @param listener progress listener (iterations, events, stop requests)
     * @return the model
     * @throws IllegalArgumentException for bad params, columns or values (naming them) before any iteration
     */
    public GaussianMixtureModel fit(Dataset<?> dataset, FitListener listener) {
        transformSchema(dataset.schema());
        MixtureModel start = initialModel(dataset.sparkSession());
        GmmSettings settings = settings(start);
        try (PackedData data = PackedData.pack(dataset, getFeaturesCol(), getWeightCol(),
                settings.precision() == Precision.FLOAT, maxTasks)) {
            if (start != null && start.nFeatures() != data.dims) {
                throw new IllegalArgumentException("the initial model has " + start.nFeatures()
                        + " features but column '" + getFeaturesCol() + "' has " + data.dims);
            }
            if (settings.k() > data.rows) {
                throw new IllegalArgumentException("k = " + settings.k() + " is larger than the number of rows ("
                        + data.rows + ")");
            }
            MixtureModel m = SparkEm.fit(data, settings, listener, fanIn);
            GaussianMixtureModel model = new GaussianMixtureModel(uid, m);
            copyValues(model, extractParamMap());
            model.set(model.k(), m.nComponents());
            model.set(model.covarianceType(), m.covarianceType().jsonName());
            model.setParent(this);
            return model;
        }
    }

    /** @return the initial model the params name, or null */
    private MixtureModel initialModel(SparkSession spark) {
        String json = getInitialModelJson();
        String path = getInitialModelPath();
        if (json != null && path != null) {
            throw new IllegalArgumentException("set initialModelPath or initialModel, not both");
        }
        if (path != null) {
            try {
                json = HadoopFiles.read(spark, path);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the initial model '" + path + "': " + e.getMessage(),
                        e);
            }
            try {
                return MixtureModel.fromJson(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
            }
        }
        return json == null ? null : MixtureModel.fromJson(json);
    }

    /** The core's settings from the params; an initial model's k and covariance type apply unless set. */
    private GmmSettings settings(MixtureModel start) {
        int kk = getK();
        CovarianceType type = CovarianceType.parse(getCovarianceType());
        GmmSettings.Builder b = GmmSettings.builder();
        if (start != null) {
            if (isSet(k()) && kk != start.nComponents()) {
                throw new IllegalArgumentException("k = " + kk + " does not match the initial model, which has "
                        + start.nComponents() + " components");
            }
            if (isSet(covarianceType()) && type != start.covarianceType()) {
                throw new IllegalArgumentException("covarianceType " + type.jsonName()
                        + " does not match the initial model, which is " + start.covarianceType().jsonName());
            }
            kk = start.nComponents();
            type = start.covarianceType();
            b.start(StartParameters.of(start));
        }
        return b.k(kk).covarianceType(type).tol(getTol()).regCovar(getRegCovar()).maxIter(getMaxIter())
                .nInit(getNInit()).seed(getSeed()).init(InitMethod.parse(getInit()))
                .backend(BackendKind.parse(getBackend())).precision(Precision.parse(getPrecision())).build();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.checkInputs(schema, getFeaturesCol(), getWeightCol());
        return Schemas.withOutputs(schema, getPredictionCol(), getProbabilityCol());
    }

    @Override
    public GaussianMixture copy(ParamMap extra) {
        return (GaussianMixture) defaultCopy(extra);
    }

    /** @return a reader for saved estimators (Spark ML persistence) */
    public static MLReader<GaussianMixture> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * @param path where {@link #save} wrote the estimator
     * @return the estimator
     */
    public static GaussianMixture load(String path) {
        return read().load(path);
    }
}

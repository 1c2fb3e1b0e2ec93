package org.emgmm.spark;

import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/**
 * The {@link org.apache.spark.ml.param.Param} objects of one estimator or model (parent = its uid), and their
 * defaults (scikit-learn's and the {@code emgmm fit} command's, except k = 2 as in Spark's GaussianMixture).
 */
public final class ParamSet implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    final IntParam k;
    final Param<String> covarianceType;
    final IntParam maxIter;
    final DoubleParam tol;
    final DoubleParam regCovar;
    final LongParam seed;
    final IntParam nInit;
    final Param<String> init;
    final Param<String> initialModelPath;
    final Param<String> initialModelJson;
    final Param<String> featuresCol;
    final Param<String> weightCol;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> precision;
    final Param<String> backend;

    /** @param uid the uid of the owning estimator or model */
    ParamSet(String uid) {
        k = new IntParam(uid, "k", "number of components (>= 1)", ParamValidators.gtEq(1));
        covarianceType = new Param<>(uid, "covarianceType", "covariance type: full, diag, spherical or tied",
                ParamValidators.inArray(List.of("full", "diag", "spherical", "tied")));
        maxIter = new IntParam(uid, "maxIter", "maximum EM iterations per initialisation (>= 0)",
                ParamValidators.gtEq(0));
        tol = new DoubleParam(uid, "tol", "convergence threshold on the change of the mean log-likelihood (>= 0)",
                ParamValidators.gtEq(0));
        regCovar = new DoubleParam(uid, "regCovar", "added to covariance diagonals (>= 0)", ParamValidators.gtEq(0));
        seed = new LongParam(uid, "seed", "random seed");
        nInit = new IntParam(uid, "nInit", "initialisations; the best lower bound wins (>= 1)",
                ParamValidators.gtEq(1));
        init = new Param<>(uid, "init", "initialisation: kmeans++, random or random-from-data",
                ParamValidators.inArray(List.of("kmeans++", "random", "random-from-data")));
        initialModelPath = new Param<>(uid, "initialModelPath", "emgmm model file to start from (warm start)");
        initialModelJson = new Param<>(uid, "initialModelJson", "emgmm model (model-file JSON) to start from");
        featuresCol = new Param<>(uid, "featuresCol", "features column (ML vectors)");
        weightCol = new Param<>(uid, "weightCol", "sample weight column (non-negative numbers); unset: all 1");
        predictionCol = new Param<>(uid, "predictionCol", "output: most probable component");
        probabilityCol = new Param<>(uid, "probabilityCol", "output: component probabilities");
        precision = new Param<>(uid, "precision", "per-sample arithmetic: float or double",
                ParamValidators.inArray(List.of("float", "double")));
        backend = new Param<>(uid, "backend", "auto (a task's gpu resource through OpenCL, else CPU), cpu, opencl",
                ParamValidators.inArray(List.of("auto", "cpu", "opencl")));
    }

    /** Sets the defaults on their owner. */
    void setDefaults(GaussianMixtureParams owner) {
        owner.setDefault(k, 2);
        owner.setDefault(covarianceType, "full");
        owner.setDefault(maxIter, 100);
        owner.setDefault(tol, 1e-3);
        owner.setDefault(regCovar, 1e-6);
        owner.setDefault(seed, 0L);
        owner.setDefault(nInit, 1);
        owner.setDefault(init, "kmeans++");
        owner.setDefault(featuresCol, "features");
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(probabilityCol, "probability");
        owner.setDefault(precision, "double");
        owner.setDefault(backend, "auto");
    }
}

package org.emgmm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Set;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.ExecutionSettings;
import org.emgmm.config.InitMethod;
import org.emgmm.config.OpenClPlan;
import org.emgmm.config.Precision;
import org.emgmm.em.NotPositiveDefiniteException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of the main code (README, "Architecture"), checked with ArchUnit on the compiled classes:
 * no cycles between the packages beneath {@code org.emgmm}; the backend package names no backend; the code that
 * runs a pass (backend, em, data) uses from the root package only the value types listed here.
 */
class LayersTest {
    /**
     * The root-package types the lower packages may use: plain values (enums, settings and the OpenCL plan they hold,
     * a listener, an exception).
     * The root package also holds the API above them (GaussianMixture, MixtureModel, ModelScorer), so these edges
     * are the one remaining cycle (root ⇄ backend, root ⇄ em); moving these types to a package of their own removes
     * it. This list keeps it from growing.
     */
    static final Set<String> ROOT_VALUE_TYPES = Set.of(BackendKind.class.getName(), CovarianceType.class.getName(),
            ExecutionSettings.class.getName(), FitListener.class.getName(), GmmSettings.class.getName(),
            InitMethod.class.getName(), NotPositiveDefiniteException.class.getName(), Precision.class.getName(),
            OpenClPlan.class.getName());

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                // not ImportOption.Predefined.DO_NOT_INCLUDE_TESTS: it knows only target/test-classes, and a build
                // with -DbuildDir=elsewhere would import the tests too
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("org.emgmm");
        // not vacuous: the main classes of every package are there
        assertTrue(main.contain(GaussianMixture.class) && main.contain(org.emgmm.backend.Backends.class)
                && main.contain(org.emgmm.em.EmLoop.class) && main.contain(org.emgmm.cli.Main.class), "import");
    }

    @Test
    void noCyclesBetweenSubpackages() {
        slices().matching("org.emgmm.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void backendPackageNamesNoBackend() {
        noClasses().that().resideInAPackage("org.emgmm.backend")
                .should().dependOnClassesThat().resideInAnyPackage("org.emgmm.backend.cpu..",
                        "org.emgmm.backend.opencl..")
                .because("backends are found through BackendProvider and ServiceLoader").check(main);
    }

    @Test
    void onlyOpenClPackageNamesJocl() {
        noClasses().that().resideOutsideOfPackage("org.emgmm.backend.opencl..")
                .should().dependOnClassesThat().resideInAPackage("org.jocl..")
                .because("the CPU path runs without libOpenCL").check(main);
    }

    @Test
    void lowerPackagesUseOnlyTheRootValueTypes() {
        DescribedPredicate<JavaClass> rootApi = new DescribedPredicate<>("root-package classes other than "
                + ROOT_VALUE_TYPES) {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().equals("org.emgmm")
                        && !ROOT_VALUE_TYPES.contains(c.getName().replaceAll("\\$.*", ""));
            }
        };
        noClasses().that().resideInAnyPackage("org.emgmm.backend..", "org.emgmm.em..", "org.emgmm.data..")
                .should().dependOnClassesThat(rootApi).check(main);
    }
}

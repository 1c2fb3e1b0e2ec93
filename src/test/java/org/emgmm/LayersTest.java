package org.emgmm;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of the main code (README, "Architecture"), checked with ArchUnit on the compiled classes:
 * no cycles between any two packages of {@code org.emgmm}, the root package included; the packages that run a pass
 * (backend, em, data) and the settings values (config) use nothing of the root package, the API above them; config
 * depends on no other package of ours; the backend package names no backend; only the OpenCL package names JOCL.
 */
class LayersTest {
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
                && main.contain(org.emgmm.em.EmLoop.class) && main.contain(org.emgmm.cli.Main.class)
                && main.contain(org.emgmm.config.ExecutionSettings.class)
                && main.contain(org.emgmm.data.Dataset.class), "import");
    }

    /** Each package of ours is a slice of its own, the root package too ({@code org.emgmm.(**)} leaves it out). */
    private static final SliceAssignment EVERY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            return p.equals("org.emgmm") || p.startsWith("org.emgmm.") ? SliceIdentifier.of(p)
                    : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages of org.emgmm, the root package included";
        }
    };

    @Test
    void noCyclesBetweenPackages() {
        slices().assignedFrom(EVERY_PACKAGE).should().beFreeOfCycles().check(main);
    }

    @Test
    void lowerPackagesUseNothingOfTheRootPackage() {
        noClasses().that().resideInAnyPackage("org.emgmm.backend..", "org.emgmm.em..", "org.emgmm.data..",
                        "org.emgmm.config..")
                .should().dependOnClassesThat().resideInAPackage("org.emgmm")
                .because("the root package is the public API above them (README, \"Architecture\")").check(main);
    }

    @Test
    void configDependsOnNoOtherPackageOfOurs() {
        noClasses().that().resideInAPackage("org.emgmm.config..")
                .should().dependOnClassesThat(resideInAPackage("org.emgmm..")
                        .and(resideOutsideOfPackage("org.emgmm.config..")))
                .because("settings values are plain values every layer may read").check(main);
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
}

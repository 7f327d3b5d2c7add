package io.pillsnap.trainer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer's layout as rules on its compiled classes: no package imports one that imports it
 * back, the networks import nothing of training, and the engine knows no task.
 */
class PackageLayoutTest {

    private static JavaClasses trainer;

    @BeforeAll
    static void importTrainer() {
        trainer =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.pillsnap.trainer");
    }

    @Test
    void noTwoPackagesImportEachOther() {
        slices().matching("io.pillsnap.trainer.(**)").should().beFreeOfCycles().check(trainer);
    }

    @Test
    void theNetworksImportNothingOfTraining() {
        noClasses()
                .that()
                .resideInAnyPackage("..classifier.net..", "..detector.yolo..", "..trainer.nn..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.pillsnap.trainer.classifier",
                        "io.pillsnap.trainer.detector",
                        "io.pillsnap.trainer.detector.data..",
                        "..trainer.engine..",
                        "..trainer.run..",
                        "..trainer.cli..",
                        "..trainer.data..",
                        "..trainer.export..",
                        "..trainer.weights..",
                        "..trainer.report..",
                        "..trainer.progress..")
                .check(trainer);
    }

    @Test
    void theEngineKnowsNoTask() {
        noClasses()
                .that()
                .resideInAPackage("..trainer.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "..trainer.classifier..",
                        "..trainer.detector..",
                        "..trainer.run..",
                        "..trainer.cli..")
                .check(trainer);
    }
}

package dev.xenon.storagenode;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The storage node's layering: no package cycles; file formats and remote storage stand alone. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xenon.storagenode");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.xenon.storagenode.(*)..")
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void talksToOtherModulesOnlyThroughCommon() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.xenon.walnode..",
                        "dev.xenon.console..",
                        "dev.xenon.proxy..",
                        "dev.xenon.operator..",
                        "dev.xenon.testsupport..")
                .check(classes);
    }

    @Test
    void layerFormatsKnowNothingOfSpringTimelinesOrRemoteStorage() {
        noClasses()
                .that()
                .resideInAPackage("dev.xenon.storagenode.layer..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "dev.xenon.storagenode.timeline..",
                        "dev.xenon.storagenode.remote..",
                        "dev.xenon.storagenode.api..")
                .check(classes);
    }

    @Test
    void remoteStorageKnowsNothingOfLayersOrTimelines() {
        noClasses()
                .that()
                .resideInAPackage("dev.xenon.storagenode.remote..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.xenon.storagenode.layer..", "dev.xenon.storagenode.timeline..")
                .check(classes);
    }
}

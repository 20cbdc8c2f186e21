package dev.xenon.walnode;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The wal-node's layering: no package cycles; only its own classes and common's. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xenon.walnode");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.xenon.walnode.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void talksToOtherModulesOnlyThroughCommon() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.xenon.storagenode..",
                        "dev.xenon.console..",
                        "dev.xenon.proxy..",
                        "dev.xenon.operator..",
                        "dev.xenon.testsupport..")
                .check(classes);
    }

    @Test
    void theWalFilesKnowNothingOfHttpOrTheReceiver() {
        noClasses()
                .that()
                .resideInAPackage("dev.xenon.walnode.wal..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..", "dev.xenon.walnode.receiver..", "dev.xenon.walnode.timeline..")
                .check(classes);
    }
}

package dev.xenon.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The console's layering: feature packages without cycles (operation ← endpoint ← role ← branch ←
 * project; account and model below them all), other modules only through common.
 */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xenon.console");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.xenon.console.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void talksToOtherModulesOnlyThroughCommon() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.xenon.walnode..",
                        "dev.xenon.storagenode..",
                        "dev.xenon.proxy..",
                        "dev.xenon.operator..",
                        "dev.xenon.testsupport..")
                .check(classes);
    }

    @Test
    void theMetadataModelKnowsNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("dev.xenon.console.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.xenon.console.project..",
                        "dev.xenon.console.branch..",
                        "dev.xenon.console.endpoint..",
                        "dev.xenon.console.role..",
                        "dev.xenon.console.operation..",
                        "dev.xenon.console.account..")
                .check(classes);
    }
}

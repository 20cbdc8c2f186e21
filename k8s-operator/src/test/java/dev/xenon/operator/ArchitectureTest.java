package dev.xenon.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The operator's layering: the custom resource knows no reconciler; no other Xenon module's classes. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xenon.operator");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.xenon.operator.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theCustomResourceKnowsNoReconciler() {
        noClasses()
                .that()
                .resideInAPackage("dev.xenon.operator.customresource..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.xenon.operator.reconciler..", "io.javaoperatorsdk..")
                .check(classes);
    }

    @Test
    void talksToOtherModulesOnlyThroughKubernetes() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.xenon.console..",
                        "dev.xenon.walnode..",
                        "dev.xenon.storagenode..",
                        "dev.xenon.proxy..",
                        "dev.xenon.testsupport..")
                .check(classes);
    }
}

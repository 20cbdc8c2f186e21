package dev.xenon.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The proxy's layering: no package cycles; other modules only through common (and HTTP). */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xenon.proxy");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.xenon.proxy.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void talksToOtherModulesOnlyOverHttp() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.xenon.console..",
                        "dev.xenon.walnode..",
                        "dev.xenon.storagenode..",
                        "dev.xenon.operator..",
                        "dev.xenon.testsupport..")
                .check(classes);
    }
}

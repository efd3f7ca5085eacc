package io.touchpoint.segmentation;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;

import io.touchpoint.devstack.testing.ArchitectureRules;

/** The layering and the rules every service keeps (see {@link ArchitectureRules}), on this service's main code. */
@AnalyzeClasses(packages = "io.touchpoint.segmentation", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    void keepsTheServiceRules(JavaClasses classes) {
        ArchitectureRules.all("segmentation").check(classes);
    }
}

package io.promethium.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs a contract test class with the JUnit launcher and reports how each of its tests ended. */
final class Launch {
    /**
     * The tag of the contract cases these tests launch themselves (several deliberately broken):
     * the build's own test run leaves them out (testkit/pom.xml, excludedGroups).
     */
    static final String CASE = "launched-by-the-kit-tests";

    private Launch() {
    }

    /** Test method name to its status ({@code SUCCESSFUL}, {@code FAILED}, {@code ABORTED} for skipped). */
    static Map<String, TestExecutionResult.Status> run(Class<?> testClass) {
        Map<String, TestExecutionResult.Status> out = new TreeMap<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource m) {
                    out.put(m.getMethodName(), result.getStatus());
                }
            }
        });
        if (out.isEmpty()) {
            throw new AssertionError("no test of " + testClass.getName() + " ran");
        }
        return out;
    }

    /** The names of the tests that failed. */
    static java.util.Set<String> failed(Class<?> testClass) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        run(testClass).forEach((name, status) -> {
            if (status == TestExecutionResult.Status.FAILED) {
                out.add(name);
            }
        });
        return out;
    }
}

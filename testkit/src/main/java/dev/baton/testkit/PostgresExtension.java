package dev.baton.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test a {@link TestDatabase}: a fresh, empty database of the test class's own on a real PostgreSQL
 * shared by the whole test JVM.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        testDatabase(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return testDatabase(context);
    }

    private static TestDatabase testDatabase(ExtensionContext context) {
        ExtensionContext classContext = KafkaExtension.classContext(context);
        return classContext.getStore(SharedInfra.NAMESPACE).getOrComputeIfAbsent(
                TestDatabase.class,
                key -> TestDatabase.create(SharedInfra.postgres(context), classContext.getRequiredTestClass()),
                TestDatabase.class);
    }
}

package dev.baton.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test a {@link TestKafka}: a real broker shared by the whole test JVM and a topic namespace of the
 * test class's own, with every Baton topic created in it.
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class SomethingIT {
 *     @Test
 *     void works(TestKafka kafka) { ... }
 * }
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        testKafka(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return testKafka(context);
    }

    private static TestKafka testKafka(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        return classContext.getStore(SharedInfra.NAMESPACE).getOrComputeIfAbsent(
                TestKafka.class,
                key -> TestKafka.create(SharedInfra.broker(context), classContext.getRequiredTestClass()),
                TestKafka.class);
    }

    /** The outermost class context, so nested classes and every method share their class's namespace. */
    static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        ExtensionContext found = context;
        while (current.getParent().isPresent() && current.getTestClass().isPresent()) {
            if (current.getTestMethod().isEmpty()) {
                found = current;
            }
            current = current.getParent().get();
        }
        return found;
    }
}

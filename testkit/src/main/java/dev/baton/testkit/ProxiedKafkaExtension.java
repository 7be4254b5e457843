package dev.baton.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test a {@link ProxiedKafka}: a broker of the test class's own (started before its first test, stopped
 * after its last) whose client traffic can be cut by a {@link TcpProxy}. Always the embedded broker.
 *
 * <p>Cutting the proxy affects every client of the class's broker that bootstrapped through it, so tests that cut
 * should restore in a {@code finally} or {@code @AfterEach}.
 *
 * <pre>{@code
 * @ExtendWith(ProxiedKafkaExtension.class)
 * class LeaseIT {
 *     @Test
 *     void fences(ProxiedKafka kafka) {
 *         startClient(kafka.proxiedBootstrapServers());
 *         kafka.proxy().cut();
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class ProxiedKafkaExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create("dev.baton.testkit", "proxied");

    @Override
    public void beforeAll(ExtensionContext context) {
        proxiedKafka(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ProxiedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return proxiedKafka(context);
    }

    private static ProxiedKafka proxiedKafka(ExtensionContext context) {
        ExtensionContext classContext = KafkaExtension.classContext(context);
        // In the class's store: JUnit closes it (broker and proxy) when the class is done.
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(
                ProxiedKafka.class,
                key -> ProxiedKafka.start(classContext.getRequiredTestClass()),
                ProxiedKafka.class);
    }
}

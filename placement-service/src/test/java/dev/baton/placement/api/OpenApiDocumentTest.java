package dev.baton.placement.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.placement.store.RoleStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** openapi.yaml is the API's contract: it must describe exactly the routes the API mounts. */
class OpenApiDocumentTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static Vertx vertx;
    private static AdminHttpApi api;
    private static JsonNode document;

    @BeforeAll
    static void load() throws IOException {
        vertx = Vertx.vertx();
        RoleStore unused = (RoleStore) Proxy.newProxyInstance(RoleStore.class.getClassLoader(),
                new Class<?>[] {RoleStore.class}, (proxy, method, args) -> {
                    throw new AssertionError("the store is not used here");
                });
        ConfigPublisher publisher = (ConfigPublisher) Proxy.newProxyInstance(ConfigPublisher.class.getClassLoader(),
                new Class<?>[] {ConfigPublisher.class}, (proxy, method, args) -> {
                    throw new AssertionError("the publisher is not used here");
                });
        api = new AdminHttpApi(vertx, unused, new FakePlacementControl(null), publisher, "token", false);
        try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
            document = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @AfterAll
    static void close() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldDocumentExactlyTheMountedOperations() {
        Router router = api.router();
        Set<String> mounted = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            String path = route.getPath();
            if (path == null || !path.startsWith(AdminHttpApi.BASE) || route.methods() == null) {
                continue;
            }
            String documentedPath = path.substring(AdminHttpApi.BASE.length()).replaceAll(":(\\w+)", "{$1}");
            route.methods().forEach(method -> mounted.add(method.name().toLowerCase(Locale.ROOT) + " " + documentedPath));
        }

        assertThat(documentedOperations()).isEqualTo(mounted);
        assertThat(document.at("/servers/0/url").asText()).isEqualTo(AdminHttpApi.BASE);
    }

    @Test
    void shouldDocument401ForEveryOperationThatNeedsTheToken() {
        List<String> missing = new ArrayList<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (!HTTP_METHODS.contains(operation.getKey())) {
                return;
            }
            boolean open = operation.getValue().has("security") && operation.getValue().get("security").isEmpty();
            if (!open && !operation.getValue().at("/responses").has("401")) {
                missing.add(operation.getKey() + " " + path.getKey());
            }
        }));

        assertThat(missing).isEmpty();
    }

    @Test
    void shouldResolveEveryReference() {
        List<String> dangling = new ArrayList<>();
        collectDangling(document, dangling);

        assertThat(dangling).isEmpty();
    }

    private static Set<String> documentedOperations() {
        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (HTTP_METHODS.contains(method)) {
                documented.add(method + " " + path.getKey());
            }
        }));
        return documented;
    }

    private static void collectDangling(JsonNode node, List<String> dangling) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && document.at(ref.asText().substring(1)).isMissingNode()) {
                dangling.add(ref.asText());
            }
            node.elements().forEachRemaining(child -> collectDangling(child, dangling));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(child -> collectDangling(child, dangling));
        }
    }
}

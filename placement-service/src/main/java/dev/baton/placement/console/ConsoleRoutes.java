package dev.baton.placement.console;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The operator console: static pages ({@code console/} on the classpath: HTML, CSS and plain JavaScript, no build
 * step) served by the placement-service's own HTTP server at {@value #PATH}, on every instance. The pages sign in
 * with an API token kept in the browser's session storage and talk to the admin API under {@code /api/v1}; nothing
 * here needs a token, since the pages hold no data.
 */
public final class ConsoleRoutes {
    /** Where the console is served. */
    public static final String PATH = "/console/";

    private ConsoleRoutes() {
    }

    /** Serves the console at {@value #PATH} and sends {@code /} there. */
    public static void mount(Router router) {
        router.get("/").handler(ctx -> ctx.redirect(PATH));
        // Not "/console" as well: Vert.x matches it for "/console/" too, which would redirect to itself.
        router.get(PATH + "*").handler(StaticHandler.create("console")
                .setCachingEnabled(false)
                .setIndexPage("index.html"));
    }
}

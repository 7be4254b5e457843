package dev.baton.placement.api;

import dev.baton.runtime.http.ApiError;
import dev.baton.runtime.http.HttpSupport;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer tokens: the operator token may do everything; the optional read-only token may read
 * (GET, HEAD) and ask what-if questions, which change nothing, and is answered 403 for anything else. Compared in
 * constant time; never logged.
 */
final class TokenCheck implements Handler<RoutingContext> {
    /** Tells a client (the console) what its token may do: {@code operator} or {@code read-only}. */
    static final String ACCESS_HEADER = "X-Baton-Access";
    private static final Logger LOG = LoggerFactory.getLogger(TokenCheck.class);

    private final byte[] operator;
    private final byte[] readOnly;
    private final String whatIfPath;

    /**
     * @param readOnlyToken null when the API has no read-only token
     * @param whatIfPath the full path of the what-if request, which a read-only token may POST
     */
    TokenCheck(String operatorToken, String readOnlyToken, String whatIfPath) {
        this.operator = operatorToken.getBytes(StandardCharsets.UTF_8);
        this.readOnly = readOnlyToken == null || readOnlyToken.isBlank() ? null
                : readOnlyToken.getBytes(StandardCharsets.UTF_8);
        if (readOnlyToken != null && readOnlyToken.equals(operatorToken)) {
            throw new IllegalArgumentException("the read-only token must differ from the operator token");
        }
        this.whatIfPath = whatIfPath;
    }

    /** Which token a request carries. */
    enum Access { OPERATOR, READ_ONLY, NONE }

    Access access(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Access.NONE;
        }
        byte[] sent = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(operator, sent)) {
            return Access.OPERATOR;
        }
        return readOnly != null && MessageDigest.isEqual(readOnly, sent) ? Access.READ_ONLY : Access.NONE;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        switch (access(header)) {
            case OPERATOR -> {
                ctx.response().putHeader(ACCESS_HEADER, "operator");
                ctx.next();
            }
            case READ_ONLY -> {
                ctx.response().putHeader(ACCESS_HEADER, "read-only");
                HttpMethod method = ctx.request().method();
                if (method == HttpMethod.GET || method == HttpMethod.HEAD
                        || (method == HttpMethod.POST && whatIfPath.equals(ctx.request().path()))) {
                    ctx.next();
                } else {
                    LOG.info("{} {} refused: the read-only token changes nothing", method, ctx.request().path());
                    HttpSupport.answer(ctx, new ApiError(403, "this token is read-only: it can see everything and "
                            + "change nothing; sign in with the operator token to make changes", null));
                }
            }
            default -> {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                HttpSupport.answer(ctx, new ApiError(401, header == null
                        ? "missing bearer token: send 'Authorization: Bearer <token>'"
                        : "invalid bearer token", null));
            }
        }
    }
}

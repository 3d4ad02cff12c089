package dev.midge.broker.sys;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code /health} for a load balancer or an orchestrator's probe: {@code 200 ok}, or {@code 503} and
 * what is wrong. Every other path but {@code /metrics} is 404.
 */
final class HealthHandler implements HttpHandler {

    private final Supplier<String> problem;

    HealthHandler(Supplier<String> problem) {
        this.problem = problem;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (path.equals("/health")) {
                String wrong = problem.get();
                status = wrong == null ? 200 : 503;
                body = wrong == null ? "ok\n" : "unhealthy: " + wrong + "\n";
            } else {
                status = 404;
                body = "not found; try /metrics or /health\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}

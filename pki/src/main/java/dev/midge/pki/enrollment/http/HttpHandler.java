package dev.midge.pki.enrollment.http;

/** Answers one complete request; runs on the connection's thread, never on the accept loop. */
@FunctionalInterface
public interface HttpHandler {

    HttpResponse handle(HttpRequest request);
}

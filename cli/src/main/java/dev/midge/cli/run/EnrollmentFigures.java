package dev.midge.cli.run;

import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;
import dev.midge.pki.enrollment.EnrollmentServer;

import java.util.function.Consumer;

/**
 * {@code $SYS/broker/midge/enrollment/...} and {@code midge_enrollment_*}: the enrolment server starts
 * after the broker (it needs the data directory the broker's start-up checked), so the broker is handed
 * this and the server is set once it runs; nothing is reported while enrolment is off.
 */
final class EnrollmentFigures implements FigureSource {

    private volatile EnrollmentServer server;

    void reportOn(EnrollmentServer running) {
        server = running;
    }

    @Override
    public void collect(Consumer<Figure> out) {
        EnrollmentServer s = server;
        if (s != null) {
            out.accept(Figure.counter("enrollment/issued", "Certificates issued by enrolment (EST, /sign)", s.enrolled()));
            out.accept(Figure.counter("enrollment/refused", "Enrolments refused (wrong or used secret, bad request)",
                    s.refused()));
        }
    }
}

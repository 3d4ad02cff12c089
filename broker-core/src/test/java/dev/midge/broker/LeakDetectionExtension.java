package dev.midge.broker;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (junit-platform.properties turns on autodetection), so the
 * leak recorder is installed before any test loads Netty's buffer classes: a detector created
 * earlier would report to the log only, and the leak check would pass without looking.
 */
public final class LeakDetectionExtension implements BeforeAllCallback {

    static {
        LeakRecorder.install();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakRecorder.install();
    }
}

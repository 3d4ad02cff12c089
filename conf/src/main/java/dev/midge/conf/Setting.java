package dev.midge.conf;

/**
 * A value that may be set once per scope. mosquitto refuses a second acl_file, cafile, user
 * etc. in the same scope ("Duplicate ... value"), rather than silently letting one win; so does
 * Midge, naming where the first one was.
 */
final class Setting<T> {

    private T value;
    private ConfigLocation setAt;

    void set(ConfLine line, T newValue) {
        if (setAt != null) {
            throw line.error("duplicate " + line.option() + ": already set at " + setAt);
        }
        value = newValue;
        setAt = line.at();
    }

    T get() {
        return value;
    }

    boolean isSet() {
        return setAt != null;
    }

    /** Where it was set, or null. */
    ConfigLocation at() {
        return setAt;
    }
}

package dev.midge.broker;

import java.nio.file.Path;

/**
 * The files a listener serves from, beyond its certificates.
 *
 * @param unixSocket the unix-domain socket file to listen on instead of a TCP port (mosquitto's
 *                   {@code listener 0 PATH}), or null for TCP. Created at start (a stale socket file left
 *                   by a killed broker is replaced; any other file there stops start-up), removed at close
 * @param httpDir    WebSocket listeners only: plain HTTP GETs are answered with the files under this
 *                   directory (mosquitto's {@code http_dir}), or null to answer only the MQTT upgrade
 */
public record ListenerFiles(Path unixSocket, Path httpDir) {

    public static final ListenerFiles NONE = new ListenerFiles(null, null);
}

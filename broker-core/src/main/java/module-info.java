/**
 * Midge's broker: the embedding API ({@code dev.midge.broker}: {@code MidgeBroker}, {@code BrokerOptions},
 * {@code ListenerOptions}, {@code MessageObserver}, {@code StoreException}), the hooks an application
 * plugs in ({@code security}) and the reload mechanism they share ({@code reload}), and the seam a cluster plugs into ({@code cluster}). Everything else
 * (engine, sessions, Netty pipeline, store) is internal; the Netty-facing listener seam is only for
 * Midge's TLS module and CLI, and the subscription package only for the benchmarks and the cluster (topic matching).
 */
module midge.core {
    requires org.slf4j;
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common; // DomainSocketAddress, for a unix socket listener on epoll
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.codec.mqtt;
    requires io.netty.handler;
    requires com.h2database.mvstore;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.exporter.httpserver;
    requires jdk.httpserver;

    exports dev.midge.broker;
    exports dev.midge.broker.security;
    exports dev.midge.broker.reload;
    exports dev.midge.broker.metrics;
    exports dev.midge.broker.cluster;

    exports dev.midge.broker.listener to midge.tls, midge.cli, midge.bench;
    exports dev.midge.broker.bridge to midge.tls, midge.cli;
    exports dev.midge.broker.subscription to midge.bench, midge.cluster;
}

/*
 * The interop scenarios with Paho C (Debian's libpaho-mqtt-dev, the synchronous MQTTClient API with TLS).
 * InteropIT compiles it with cc and runs: paho_c HOST PORT tcp|tls|ws|wss PREFIX [CAFILE CERT KEY]
 * One line per observation, compared between mosquitto and Midge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <MQTTClient.h>

#define WAIT_MS 10000

static const char *host, *transport, *prefix, *cafile, *cert, *key;
static int port;

static char *topic(const char *rest) {
    static char buf[4][256];
    static int next;
    char *t = buf[next++ % 4];
    snprintf(t, sizeof buf[0], "%s%s", prefix, rest);
    return t;
}

static MQTTClient client(const char *name, int v5, const char *will_topic, const char *will_payload, int *rc_out) {
    char uri[300], id[200];
    snprintf(uri, sizeof uri, "%s://%s:%d", strcmp(transport, "tls") == 0 ? "ssl"
             : strcmp(transport, "ws") == 0 || strcmp(transport, "wss") == 0 ? transport : "tcp", host, port);
    snprintf(id, sizeof id, "%s%s", prefix, name);
    MQTTClient c;
    MQTTClient_createOptions create = MQTTClient_createOptions_initializer;
    create.MQTTVersion = v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
    if (MQTTClient_createWithOptions(&c, uri, id, MQTTCLIENT_PERSISTENCE_NONE, NULL, &create) != MQTTCLIENT_SUCCESS) {
        return NULL;
    }
    MQTTClient_connectOptions opts = v5 ? (MQTTClient_connectOptions) MQTTClient_connectOptions_initializer5
                                        : (MQTTClient_connectOptions) MQTTClient_connectOptions_initializer;
    opts.keepAliveInterval = 30;
    opts.connectTimeout = WAIT_MS / 1000;
    if (v5) opts.cleanstart = 1; else opts.cleansession = 1;
    MQTTClient_willOptions will = MQTTClient_willOptions_initializer;
    if (will_topic) {
        will.topicName = will_topic;
        will.message = will_payload;
        will.qos = 1;
        opts.will = &will;
    }
    MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
    if (strcmp(transport, "tls") == 0 || strcmp(transport, "wss") == 0) {
        ssl.trustStore = cafile;
        ssl.keyStore = cert;
        ssl.privateKey = key;
        ssl.enableServerCertAuth = 1;
        ssl.verify = 1;
        opts.ssl = &ssl;
    }
    int rc;
    if (v5) {
        MQTTResponse r = MQTTClient_connect5(c, &opts, NULL, NULL);
        rc = r.reasonCode;
        MQTTResponse_free(r);
    } else {
        rc = MQTTClient_connect(c, &opts);
    }
    if (rc_out) *rc_out = rc;
    if (rc != MQTTCLIENT_SUCCESS) {
        MQTTClient_destroy(&c);
        return NULL;
    }
    return c;
}

static void bye(MQTTClient *c, int v5) {
    if (v5) MQTTClient_disconnect5(*c, 1000, MQTTREASONCODE_NORMAL_DISCONNECTION, NULL);
    else MQTTClient_disconnect(*c, 1000);
    MQTTClient_destroy(c);
}

static void subscribe(MQTTClient c, int v5, const char *filter, int qos, int id) {
    if (v5) {
        MQTTProperties props = MQTTProperties_initializer;
        if (id) {
            MQTTProperty p = {.identifier = MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIER, .value.integer4 = id};
            MQTTProperties_add(&props, &p);
        }
        MQTTResponse r = MQTTClient_subscribe5(c, filter, qos, NULL, &props);
        MQTTResponse_free(r);
        MQTTProperties_free(&props);
    } else {
        MQTTClient_subscribe(c, filter, qos);
    }
}

static void publish(MQTTClient c, int v5, const char *t, const char *payload, int qos, int retained,
                    MQTTProperties *props) {
    MQTTClient_deliveryToken token;
    if (v5) {
        MQTTResponse r = MQTTClient_publish5(c, t, (int) strlen(payload), payload, qos, retained, props, &token);
        MQTTResponse_free(r);
    } else {
        MQTTClient_publish(c, t, (int) strlen(payload), payload, qos, retained, &token);
    }
    MQTTClient_waitForCompletion(c, token, WAIT_MS);
}

/* The next message, or NULL after WAIT_MS; the caller frees both. */
static MQTTClient_message *next_message(MQTTClient c, char **t) {
    int len;
    MQTTClient_message *m = NULL;
    *t = NULL;
    for (int waited = 0; waited < WAIT_MS && m == NULL; waited += 1000) {
        if (MQTTClient_receive(c, t, &len, &m, 1000) != MQTTCLIENT_SUCCESS && m == NULL) {
            return NULL;
        }
    }
    return m;
}

static void done_with(MQTTClient_message *m, char *t) {
    if (m) MQTTClient_freeMessage(&m);
    if (t) MQTTClient_free(t);
}

static void connect_both(void) {
    for (int v5 = 0; v5 <= 1; v5++) {
        int rc = -1;
        MQTTClient c = client("conn", v5, NULL, NULL, &rc);
        printf("connect %s rc=%d\n", v5 ? "v5" : "v311", rc);
        if (c) bye(&c, v5);
    }
}

static void qos_round_trip(void) {
    for (int v5 = 0; v5 <= 1; v5++) {
        MQTTClient sub = client("qsub", v5, NULL, NULL, NULL);
        MQTTClient pub = client("qpub", v5, NULL, NULL, NULL);
        if (!sub || !pub) { printf("qos %s error connect\n", v5 ? "v5" : "v311"); return; }
        subscribe(sub, v5, topic("qos/#"), 2, 0);
        for (int qos = 0; qos <= 2; qos++) {
            char rest[16], payload[8];
            snprintf(rest, sizeof rest, "qos/%d", qos);
            snprintf(payload, sizeof payload, "q%d", qos);
            publish(pub, v5, topic(rest), payload, qos, 0, NULL);
            char *t;
            MQTTClient_message *m = next_message(sub, &t);
            if (m) printf("qos %s %d -> %s qos=%d %.*s\n", v5 ? "v5" : "v311", qos, t + strlen(prefix), m->qos,
                          m->payloadlen, (char *) m->payload);
            else printf("qos %s %d -> none\n", v5 ? "v5" : "v311", qos);
            done_with(m, t);
        }
        bye(&sub, v5);
        bye(&pub, v5);
    }
}

static void retained(void) {
    MQTTClient pub = client("rpub", 0, NULL, NULL, NULL);
    if (!pub) { printf("retained error connect\n"); return; }
    publish(pub, 0, topic("ret"), "kept", 1, 1, NULL);
    MQTTClient sub = client("rsub", 1, NULL, NULL, NULL);
    subscribe(sub, 1, topic("ret"), 1, 0);
    char *t;
    MQTTClient_message *m = next_message(sub, &t);
    if (m) printf("retained -> retain=%d qos=%d %.*s\n", m->retained, m->qos, m->payloadlen, (char *) m->payload);
    else printf("retained -> none\n");
    done_with(m, t);
    publish(pub, 0, topic("ret"), "", 1, 1, NULL);
    bye(&sub, 1);
    bye(&pub, 0);
}

static void will(void) {
    MQTTClient sub = client("wsub", 1, NULL, NULL, NULL);
    if (!sub) { printf("will error connect\n"); return; }
    subscribe(sub, 1, topic("will"), 1, 0);
    MQTTClient dying = client("wdie", 1, topic("will"), "gone", NULL);
    /* MQTT 5: DISCONNECT 0x04 "Disconnect with Will Message" ends it as a lost connection would. */
    MQTTClient_disconnect5(dying, 1000, MQTTREASONCODE_DISCONNECT_WITH_WILL_MESSAGE, NULL);
    MQTTClient_destroy(&dying);
    char *t;
    MQTTClient_message *m = next_message(sub, &t);
    if (m) printf("will -> %s %.*s\n", t + strlen(prefix), m->payloadlen, (char *) m->payload);
    else printf("will -> none\n");
    done_with(m, t);
    bye(&sub, 1);
}

static void properties(void) {
    MQTTClient sub = client("psub", 1, NULL, NULL, NULL);
    MQTTClient pub = client("ppub", 1, NULL, NULL, NULL);
    if (!sub || !pub) { printf("properties error connect\n"); return; }
    subscribe(sub, 1, topic("props/#"), 1, 7);
    MQTTProperties props = MQTTProperties_initializer;
    MQTTProperty device = {.identifier = MQTTPROPERTY_CODE_USER_PROPERTY,
                           .value.data = {6, "device"}, .value.value = {4, "dev1"}};
    MQTTProperty unit = {.identifier = MQTTPROPERTY_CODE_USER_PROPERTY,
                         .value.data = {4, "unit"}, .value.value = {1, "C"}};
    MQTTProperties_add(&props, &device);
    MQTTProperties_add(&props, &unit);
    publish(pub, 1, topic("props/t"), "21.5", 1, 0, &props);
    MQTTProperties_free(&props);
    char *t;
    MQTTClient_message *m = next_message(sub, &t);
    if (!m) {
        printf("properties -> none\n");
    } else {
        printf("user_properties ->");
        for (int i = 0; i < m->properties.count; i++) {
            MQTTProperty *p = &m->properties.array[i];
            if (p->identifier == MQTTPROPERTY_CODE_USER_PROPERTY) {
                printf(" %.*s=%.*s", p->value.data.len, p->value.data.data, p->value.value.len, p->value.value.data);
            }
        }
        printf("\nsubscription_ids ->");
        for (int i = 0; i < m->properties.count; i++) {
            if (m->properties.array[i].identifier == MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIER) {
                printf(" %d", m->properties.array[i].value.integer4);
            }
        }
        printf("\n");
    }
    done_with(m, t);
    bye(&sub, 1);
    bye(&pub, 1);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT tcp|tls|ws|wss PREFIX [CAFILE CERT KEY]\n", argv[0]);
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    transport = argv[3];
    prefix = argv[4];
    if (argc >= 8) {
        cafile = argv[5];
        cert = argv[6];
        key = argv[7];
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    connect_both();
    qos_round_trip();
    retained();
    will();
    properties();
    printf("done\n");
    return 0;
}

#!/usr/bin/python3
"""The interop scenarios with Paho Python (Debian's python3-paho-mqtt 1.6).

usage: paho_python.py HOST PORT tcp|tls|ws|wss PREFIX [CAFILE CERT KEY]
Prints one line per observation; InteropIT runs it against mosquitto and Midge and compares.
"""
import queue
import sys
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCodes

HOST, PORT, TRANSPORT, PREFIX = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
CAFILE, CERT, KEY = (sys.argv[5:8] + [None, None, None])[:3]
WAIT = 10


def client(name, v5, will=None):
    # 3.1.1's clean session goes to the constructor; MQTT 5's clean start to connect()
    kwargs = {} if v5 else {"clean_session": True}
    c = mqtt.Client(client_id=PREFIX + name, protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
                    transport="websockets" if TRANSPORT in ("ws", "wss") else "tcp", **kwargs)
    if TRANSPORT in ("tls", "wss"):
        c.tls_set(ca_certs=CAFILE, certfile=CERT, keyfile=KEY)
    if will:
        c.will_set(will[0], will[1], qos=1)
    c.connected = queue.Queue()
    c.messages = queue.Queue()
    c.subscribed = queue.Queue()
    if v5:
        c.on_connect = lambda cl, u, flags, rc, props=None: cl.connected.put((int(rc.value), flags["session present"]))
    else:
        c.on_connect = lambda cl, u, flags, rc: cl.connected.put((rc, flags["session present"]))
    c.on_message = lambda cl, u, m: cl.messages.put(m)
    c.on_subscribe = lambda cl, u, mid, granted, props=None: cl.subscribed.put(mid)
    if v5:
        c.connect(HOST, PORT, keepalive=30, clean_start=True)
    else:
        c.connect(HOST, PORT, keepalive=30)
    c.loop_start()
    return c


def connected(c):
    return c.connected.get(timeout=WAIT)


def subscribe(c, topic, qos=2, properties=None):
    c.subscribe(topic, qos, properties=properties) if properties else c.subscribe(topic, qos)
    c.subscribed.get(timeout=WAIT)


def next_message(c):
    try:
        return c.messages.get(timeout=WAIT)
    except queue.Empty:
        return None


def scenario(name, fn):
    try:
        fn()
    except Exception as e:  # one scenario failing must not hide the others
        print(name, "error", type(e).__name__, e, flush=True)


def connect_both():
    for v5 in (False, True):
        c = client("conn", v5)
        rc, present = connected(c)
        print("connect", "v5" if v5 else "v311", "rc=%d" % rc, "session_present=%d" % present, flush=True)
        c.disconnect()
        c.loop_stop()


def qos_round_trip():
    for v5 in (False, True):
        sub = client("qsub", v5)
        connected(sub)
        subscribe(sub, PREFIX + "qos/#", 2)
        pub = client("qpub", v5)
        connected(pub)
        for qos in (0, 1, 2):
            pub.publish(PREFIX + "qos/%d" % qos, "q%d" % qos, qos=qos).wait_for_publish(WAIT)
            m = next_message(sub)
            print("qos", "v5" if v5 else "v311", qos, "->",
                  "none" if m is None else "%s qos=%d %s" % (m.topic[len(PREFIX):], m.qos, m.payload.decode()),
                  flush=True)
        for c in (sub, pub):
            c.disconnect()
            c.loop_stop()


def retained():
    pub = client("rpub", False)
    connected(pub)
    pub.publish(PREFIX + "ret", "kept", qos=1, retain=True).wait_for_publish(WAIT)
    sub = client("rsub", True)
    connected(sub)
    subscribe(sub, PREFIX + "ret", 1)
    m = next_message(sub)
    print("retained ->", "none" if m is None else "retain=%d qos=%d %s" % (m.retain, m.qos, m.payload.decode()),
          flush=True)
    pub.publish(PREFIX + "ret", "", qos=1, retain=True).wait_for_publish(WAIT)
    for c in (sub, pub):
        c.disconnect()
        c.loop_stop()


def will():
    sub = client("wsub", True)
    connected(sub)
    subscribe(sub, PREFIX + "will", 1)
    dying = client("wdie", True, will=(PREFIX + "will", "gone"))
    connected(dying)
    # MQTT 5: DISCONNECT 0x04 "Disconnect with Will Message" ends it as a lost connection would.
    dying.disconnect(reasoncode=ReasonCodes(PacketTypes.DISCONNECT, identifier=4))
    m = next_message(sub)
    print("will ->", "none" if m is None else "%s %s" % (m.topic[len(PREFIX):], m.payload.decode()), flush=True)
    dying.loop_stop()
    sub.disconnect()
    sub.loop_stop()


def user_properties_and_subscription_ids():
    sub = client("psub", True)
    connected(sub)
    props = Properties(PacketTypes.SUBSCRIBE)
    props.SubscriptionIdentifier = 7
    subscribe(sub, PREFIX + "props/#", 1, props)
    pub = client("ppub", True)
    connected(pub)
    pp = Properties(PacketTypes.PUBLISH)
    pp.UserProperty = ("device", "dev1")
    pp.UserProperty = ("unit", "C")
    pub.publish(PREFIX + "props/t", "21.5", qos=1, properties=pp).wait_for_publish(WAIT)
    m = next_message(sub)
    if m is None:
        print("properties -> none", flush=True)
    else:
        got = m.properties.json() if m.properties else {}
        print("user_properties ->", sorted(tuple(p) for p in got.get("UserProperty", [])), flush=True)
        print("subscription_ids ->", got.get("SubscriptionIdentifier"), flush=True)
    for c in (sub, pub):
        c.disconnect()
        c.loop_stop()


scenario("connect", connect_both)
scenario("qos", qos_round_trip)
scenario("retained", retained)
scenario("will", will)
scenario("properties", user_properties_and_subscription_ids)
print("done", flush=True)

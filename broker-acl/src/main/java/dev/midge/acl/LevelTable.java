package dev.midge.acl;

/**
 * Literal topic levels to values, looked up by a range of a topic string without cutting the
 * level out of it: an ACL check then allocates nothing. Open addressing with linear probing,
 * at most half full; built once, then only read (see {@link AclTrie}).
 */
final class LevelTable<V> {

    private String[] keys = new String[4];
    private Object[] values = new Object[4];
    private int size;

    @SuppressWarnings("unchecked")
    V get(String topic, int start, int end) {
        int mask = keys.length - 1;
        for (int i = hash(topic, start, end) & mask; ; i = (i + 1) & mask) {
            String key = keys[i];
            if (key == null) {
                return null;
            }
            if (sameLevel(key, topic, start, end)) {
                return (V) values[i];
            }
        }
    }

    void put(String key, V value) {
        if ((size + 1) * 2 > keys.length) {
            String[] oldKeys = keys;
            Object[] oldValues = values;
            keys = new String[oldKeys.length * 2];
            values = new Object[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    insert(oldKeys[i], oldValues[i]);
                }
            }
        }
        insert(key, value);
    }

    private void insert(String key, Object value) {
        int mask = keys.length - 1;
        int i = hash(key, 0, key.length()) & mask;
        while (keys[i] != null && !keys[i].equals(key)) {
            i = (i + 1) & mask;
        }
        if (keys[i] == null) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Whether {@code topic[start, end)} is the level {@code key}. */
    static boolean sameLevel(String key, String topic, int start, int end) {
        return key.length() == end - start && topic.startsWith(key, start);
    }

    /** The hash of {@code topic[start, end)}, the same as for that level as a string of its own. */
    private static int hash(String topic, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + topic.charAt(i);
        }
        return h ^ (h >>> 16);
    }
}

package dev.midge.broker.persist;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The maps of one open store. A change is written against this record rather than against
 * map objects it captured, so that after the store failed the changes that were not yet
 * committed can be applied again to the maps of the rebuilt store.
 */
record StoreMaps(MVMap<String, byte[]> retained, MVMap<String, byte[]> sessions,
                 MVMap<String, byte[]> owed, MVMap<String, byte[]> inbound) {

    static StoreMaps of(MVStore store) {
        return new StoreMaps(StoreFile.map(store, "retained"), StoreFile.map(store, "sessions"),
                StoreFile.map(store, "owed"), StoreFile.map(store, "inboundQos2"));
    }
}

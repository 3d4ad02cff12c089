package dev.midge.pki.index;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;

/** A second process appending to the index, to prove the file lock works across JVMs. */
public final class IndexWriterMain {

    private IndexWriterMain() {
    }

    public static void main(String[] args) {
        CertificateIndex index = new CertificateIndex(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        String prefix = args[2];
        System.out.println("started");
        System.out.flush();
        for (int i = 0; i < count; i++) {
            IndexEntry entry = new IndexEntry(new BigInteger(prefix + String.format("%04d", i), 16), "CN=" + prefix + i,
                    Instant.now().plusSeconds(3600), null, null, "device");
            index.update(entries -> entries.add(entry));
        }
    }
}

package dev.midge.cli.soak;

import dev.midge.broker.MidgeBroker;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.pki.store.AtomicFiles;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What an operator does to a live fleet, much faster than any operator would: rewrites the ACL
 * so that a rotating set of devices loses and regains write access, revokes a connected device
 * (a new CRL, as {@code device revoke} writes it) and renews it a few seconds later. Everything
 * runs on one thread of its own, off the broker's and the clients' threads, and is written into
 * the {@link SecurityTimeline} to judge the outcomes by.
 */
final class SecurityChurn implements AutoCloseable {

    private final SoakRun run;
    private volatile MidgeBroker broker;
    private final Path aclFile;
    private final List<SoakDevice> devices;
    private final SoakSettings settings;
    private final Random random;
    private final ScheduledExecutorService admin = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-admin");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> denied = new HashSet<>();
    private final Set<String> awaitingRenewal = ConcurrentHashMap.newKeySet();

    SecurityChurn(SoakRun run, Path aclFile, List<SoakDevice> devices, SoakSettings settings) {
        this.run = run;
        this.aclFile = aclFile;
        this.devices = devices;
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /** The first ACL, before the broker starts: everyone may write its own topic. */
    void writeInitialAcl() throws IOException {
        writeAcl();
    }

    void start(MidgeBroker broker) {
        this.broker = broker;
        long acl = settings.aclEvery().toMillis();
        long revoke = settings.revokeEvery().toMillis();
        admin.scheduleWithFixedDelay(() -> guard("rewriting the ACL", this::rotateAcl), acl, acl, TimeUnit.MILLISECONDS);
        admin.scheduleWithFixedDelay(() -> guard("revoking", this::revokeOne), revoke, revoke, TimeUnit.MILLISECONDS);
    }

    /** Stops the churn and renews every device still revoked, so that the final checks can connect each one. */
    void finish() throws Exception {
        admin.shutdown();
        if (!admin.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the ACL/CRL churn did not stop within 60 s");
        }
        for (SoakDevice device : devices) {
            if (awaitingRenewal.remove(device.id())) {
                device.certificate(run.pki.issue(device.id()));
                run.tally.add("certificates renewed");
            }
        }
    }

    private void rotateAcl() throws IOException {
        Set<String> next = new HashSet<>();
        int count = (int) Math.round(devices.size() * settings.deniedShare());
        while (next.size() < count) {
            next.add(devices.get(random.nextInt(devices.size())).id());
        }
        Set<String> changed = new HashSet<>(denied);
        changed.addAll(next);
        Set<String> unchanged = new HashSet<>(denied);
        unchanged.retainAll(next);
        changed.removeAll(unchanged);
        denied.clear();
        denied.addAll(next);
        long started = System.nanoTime();
        writeAcl();
        long written = System.nanoTime();
        for (String device : changed) {
            run.timeline.permissionChanged(device, !denied.contains(device), started, written);
        }
        run.tally.add("ACL rewrites");
    }

    private void writeAcl() throws IOException {
        StringBuilder acl = new StringBuilder("# Rewritten by the soak test; devices without a write line are denied.\n")
                .append("user ").append(SoakReaders.COMMON_NAME).append("\ntopic read soak/#\n");
        for (SoakDevice device : devices) {
            acl.append("\nuser ").append(device.id()).append('\n');
            acl.append(denied.contains(device.id()) ? "topic read soak/" : "topic write soak/")
                    .append(device.id()).append(denied.contains(device.id()) ? "/config\n" : "/attrs\n");
        }
        AtomicFiles.writeString(aclFile, acl.toString(), false);
    }

    private void revokeOne() throws Exception {
        checkRevokedClientsAreGone();
        List<SoakDevice> candidates = devices.stream()
                .filter(d -> d.online() && !awaitingRenewal.contains(d.id())).toList();
        if (candidates.isEmpty()) {
            return;
        }
        SoakDevice victim = candidates.get(random.nextInt(candidates.size()));
        awaitingRenewal.add(victim.id());
        long started = System.nanoTime();
        List<BigInteger> serials = run.pki.revoke(victim.id());
        long written = System.nanoTime();
        serials.forEach(serial -> run.timeline.revoked(serial, started, written));
        run.tally.add("certificates revoked");
        try {
            admin.schedule(() -> guard("renewing", () -> renew(victim)), 2_000 + random.nextInt(3_000),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException finishing) {
            // finish() renews whatever is still awaiting renewal once this thread has stopped.
        }
    }

    private void renew(SoakDevice device) throws Exception {
        if (awaitingRenewal.remove(device.id())) {
            device.certificate(run.pki.issue(device.id()));
            run.tally.add("certificates renewed");
        }
    }

    /** The broker's own view: no client whose certificate was revoked longer ago than the grace period. */
    private void checkRevokedClientsAreGone() {
        long now = System.nanoTime();
        for (ClientIdentity client : broker.connectedClients()) {
            if (client.peerCertificate() != null
                    && run.timeline.revocationInForceBefore(client.peerCertificate().getSerialNumber(), now)) {
                run.violations.add("a client with a revoked certificate is still connected",
                        client.clientId() + " certificate " + client.peerCertificate().getSerialNumber().toString(16));
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void guard(String what, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            run.violations.add("the soak's own " + what + " failed", e.toString());
        }
    }

    @Override
    public void close() {
        admin.shutdownNow();
    }
}

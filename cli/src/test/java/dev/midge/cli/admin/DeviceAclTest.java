package dev.midge.cli.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What EJBCA-REST's POST /user and DELETE /user/NAME do to a real ACL file. */
class DeviceAclTest {

    @TempDir
    Path dir;

    @Test
    void tenantDeviceGetsDeviceAddsDefaultTopicsAndLosesThemOnDelete() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl"), "# kept\nuser reader\ntopic read /#\n");
        DeviceAcl devices = new DeviceAcl(acl);

        assertEquals("user acme:dev1: topic write /acme/dev1/attrs, topic read /acme/dev1/config",
                devices.grant("acme:dev1"));
        devices.grant("acme:dev1"); // a reset (POST /user again) adds nothing twice
        assertEquals("# kept\nuser reader\ntopic read /#\n\nuser acme:dev1\ntopic write /acme/dev1/attrs\n"
                + "topic read /acme/dev1/config\n", Files.readString(acl));

        assertTrue(devices.revoke("acme:dev1"));
        assertFalse(Files.readString(acl).contains("acme"), Files.readString(acl));
        assertTrue(Files.readString(acl).contains("user reader\ntopic read /#"));
        assertFalse(devices.revoke("acme:dev1"));
    }

    @Test
    void nameWithoutTenantIsTenantAdminAsInDeviceAdd() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl"), "");
        new DeviceAcl(acl).grant("dev2");
        assertTrue(Files.readString(acl).contains("user dev2\ntopic write /admin/dev2/attrs\ntopic read /admin/dev2/config"),
                Files.readString(acl));
    }
}

package dev.midge.cli.admin;

import dev.midge.acl.edit.AclEntry;
import dev.midge.acl.edit.AclFileEditor;
import dev.midge.pki.enrollment.EndEntityAcl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The ACL entries EJBCA-REST's {@code POST /user} gives an end entity, the ones {@code device add}
 * gives by default: {@code write /TENANT/ID/attrs} and {@code read /TENANT/ID/config}. dojot
 * names end entities TENANT:ID; a name without ':' is tenant "admin", as {@code device add}'s
 * default. Edits go through {@link AclFileEditor}, so they share its lock with the admin commands.
 */
public final class DeviceAcl implements EndEntityAcl {

    private final AclFileEditor editor;

    public DeviceAcl(Path aclFile) {
        this.editor = new AclFileEditor(aclFile);
    }

    static List<AclEntry> defaultEntries(String username) {
        int colon = username.indexOf(':');
        String tenant = colon < 0 ? "admin" : username.substring(0, colon);
        String device = colon < 0 ? username : username.substring(colon + 1);
        return List.of(new AclEntry("write", "/" + tenant + "/" + device + "/attrs"),
                new AclEntry("read", "/" + tenant + "/" + device + "/config"));
    }

    @Override
    public String grant(String username) throws IOException {
        List<AclEntry> entries = defaultEntries(username);
        editor.addEntries(username, entries);
        return "user " + username + ": " + entries.stream().map(AclEntry::line).collect(Collectors.joining(", "));
    }

    @Override
    public boolean revoke(String username) throws IOException {
        return editor.removeUser(username);
    }
}

package dev.midge.acl;

import java.util.Arrays;

/** Test shorthand: rules from inline lines, checks by username and client id. */
final class Acl {

    private final AclRules rules;

    private Acl(AclRules rules) {
        this.rules = rules;
    }

    static Acl of(String... lines) {
        try {
            return new Acl(AclFile.parse("test.acl", Arrays.asList(lines)));
        } catch (InvalidFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    AclRules rules() {
        return rules;
    }

    Client user(String username) {
        return new Client(username, "client-of-" + username);
    }

    Client client(String username, String clientId) {
        return new Client(username, clientId);
    }

    Client anonymous() {
        return new Client(null, "anonymous-client");
    }

    final class Client {
        private final String username;
        private final String clientId;

        Client(String username, String clientId) {
            this.username = username;
            this.clientId = clientId;
        }

        boolean canPublish(String topic) {
            return rules.canPublish(username, clientId, topic);
        }

        boolean canReceive(String topic) {
            return rules.canReceive(username, clientId, topic);
        }

        boolean canSubscribe(String filter) {
            return rules.canSubscribe(username, clientId, filter);
        }
    }
}

package dev.midge.pki.enrollment;

import java.time.Instant;

/**
 * A device registered for enrollment (EJBCA's "end entity"): NEW while its one-time secret
 * may still be redeemed, GENERATED once a certificate was issued with it (the secret is then
 * dead and its hash erased).
 *
 * @param id         the device ID, the certificate's CN
 * @param status     NEW or GENERATED
 * @param secretHash hex SHA-256 of the secret while NEW, "-" after
 * @param expires    when the secret stops working
 * @param profile    the profile its certificate is issued under
 */
public record EndEntity(String id, Status status, String secretHash, Instant expires, String profile) {

    public enum Status { NEW, GENERATED }
}

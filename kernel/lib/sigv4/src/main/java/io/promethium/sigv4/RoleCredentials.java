package io.promethium.sigv4;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Credentials of an assumed role, kept until a minute before they expire and then assumed again
 * with fresh base credentials, as the SDKs' AssumeRole provider does. Thread-safe: concurrent
 * callers share one STS call.
 */
public final class RoleCredentials {

    private final StsAssumeRole.BaseCredentials base;
    private final StsAssumeRole sts;
    private final Clock clock;
    private StsAssumeRole.Temporary current;

    public RoleCredentials(StsAssumeRole.BaseCredentials base, StsAssumeRole sts, Clock clock) {
        this.base = Objects.requireNonNull(base, "base is null");
        this.sts = Objects.requireNonNull(sts, "sts is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** The role's credentials, from STS when none are held or they expire within a minute. */
    public synchronized AwsCredentials get() throws IOException, InterruptedException {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.expiration().minusSeconds(60))) {
            current = sts.assume(base.get());
        }
        return current.credentials();
    }
}

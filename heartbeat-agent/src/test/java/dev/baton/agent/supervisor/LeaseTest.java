package dev.baton.agent.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.supervisor.Lease.Change;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000_000_000L;

    private final Lease lease = new Lease(Duration.ofMillis(500));

    @Test
    void shouldNotBeHeldBeforeTheFirstAcknowledgedHeartbeat() {
        assertThat(lease.check(T0)).isEqualTo(Change.NONE);
        assertThat(lease.held()).isFalse();
        assertThat(lease.remaining(T0)).isZero();
        assertThat(lease.sinceLastAcknowledged(T0)).isNull();
    }

    @Test
    void shouldBeAcquiredByAnAcknowledgedHeartbeatAndMeasuredFromItsSendTime() {
        lease.acknowledged(T0);

        assertThat(lease.check(T0 + 30 * MS)).isEqualTo(Change.ACQUIRED);
        assertThat(lease.remaining(T0 + 30 * MS)).isEqualTo(Duration.ofMillis(470));
        assertThat(lease.check(T0 + 499 * MS)).isEqualTo(Change.NONE);
        assertThat(lease.check(T0 + 500 * MS)).isEqualTo(Change.EXPIRED);
        assertThat(lease.held()).isFalse();
        assertThat(lease.sinceLastAcknowledged(T0 + 512 * MS)).isEqualTo(Duration.ofMillis(512));
    }

    @Test
    void shouldBeRenewedByEveryNewerAcknowledgement() {
        lease.acknowledged(T0);
        lease.check(T0);
        lease.acknowledged(T0 + 400 * MS);

        assertThat(lease.check(T0 + 800 * MS)).isEqualTo(Change.NONE);
        assertThat(lease.held()).isTrue();
    }

    @Test
    void shouldNotBeShortenedByTheLateAckOfAnOlderHeartbeat() {
        lease.acknowledged(T0 + 400 * MS);
        lease.acknowledged(T0);

        assertThat(lease.remaining(T0 + 800 * MS)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void shouldNotBeRenewedByTheAckOfAHeartbeatSentBeforeTheLeaseRanOut() {
        lease.acknowledged(T0);
        lease.check(T0);
        assertThat(lease.check(T0 + 600 * MS)).isEqualTo(Change.EXPIRED);

        // Delivered late: it was sent 700 ms ago, it proves nothing about now.
        lease.acknowledged(T0 + 100 * MS);
        assertThat(lease.check(T0 + 800 * MS)).isEqualTo(Change.NONE);

        lease.acknowledged(T0 + 790 * MS);
        assertThat(lease.check(T0 + 800 * MS)).isEqualTo(Change.ACQUIRED);
    }
}

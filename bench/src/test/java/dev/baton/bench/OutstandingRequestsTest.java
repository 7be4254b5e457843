package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutstandingRequestsTest {

    @Test
    void shouldRetryInOrderTheRequestsWithoutAnAnswerWhenTheConnectionCloses() {
        OutstandingRequests requests = new OutstandingRequests();
        requests.sent(1, 100);
        requests.sent(2, 110);
        requests.sent(3, 120);
        requests.answered(1);

        requests.connectionClosed();

        assertThat(requests.failed()).isEqualTo(2);
        assertThat(requests.takeRetries()).containsExactly(2L, 3L);
        assertThat(requests.retried()).isEqualTo(2);
        assertThat(requests.takeRetries()).as("once").isEmpty();
        assertThat(requests.oldestWaitNanos(1_000)).as("nothing waits on the new connection yet").isZero();
    }

    @Test
    void shouldMeasureTheWaitOfTheOldestRequestOnTheConnection() {
        OutstandingRequests requests = new OutstandingRequests();
        assertThat(requests.oldestWaitNanos(50)).isZero();
        requests.sent(1, 100);
        requests.sent(2, 300);

        assertThat(requests.oldestWaitNanos(400)).isEqualTo(300);
        requests.answered(1);
        assertThat(requests.oldestWaitNanos(400)).isEqualTo(100);
    }

    @Test
    void shouldNotRetryARequestAnsweredBeforeItWasSentAgain() {
        OutstandingRequests requests = new OutstandingRequests();
        requests.sent(7, 100);
        requests.connectionClosed();

        requests.answered(7);

        assertThat(requests.takeRetries()).isEmpty();
        assertThat(requests.failed()).isEqualTo(1);
    }
}

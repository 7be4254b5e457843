package dev.baton.audit.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureKindTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "22P02, DATA",          // invalid text representation (bad jsonb)
        "22P05, DATA",          // untranslatable character (\u0000 in jsonb)
        "22008, DATA",          // datetime field overflow
        "23502, DATA",          // not-null violation
        "54000, DATA",          // program limit exceeded (index row too large)
        "08006, RETRIABLE",     // connection failure
        "08001, RETRIABLE",     // cannot connect
        "57P01, RETRIABLE",     // admin shutdown
        "53300, RETRIABLE",     // too many connections
        "40001, RETRIABLE",     // serialization failure
        "42P01, RETRIABLE",     // undefined table: stall and alert rather than dead-letter everything
        "'', RETRIABLE",
    })
    void shouldRetryEverythingButErrorsThatBlameTheData(String sqlState, FailureKind expected) {
        assertThat(FailureKind.of(sqlState)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(value = {"null"}, nullValues = "null")
    void shouldRetryWhenThereIsNoSqlState(String sqlState) {
        assertThat(FailureKind.of(sqlState)).isEqualTo(FailureKind.RETRIABLE);
    }
}

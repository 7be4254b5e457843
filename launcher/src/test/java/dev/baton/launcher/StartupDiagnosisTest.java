package dev.baton.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupDiagnosisTest {
    @Test
    void shouldNameTheProcessTheCauseTheLogAndWhatToTryInOneLine() {
        String tail = String.join("\n",
                "16:13:26.001 INFO  PostgresBinaries - Unpacking the PostgreSQL binaries",
                "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space",
                "\tat org.tukaani.xz.LZMA2InputStream.<init>(LZMA2InputStream.java:213)");

        String line = StartupDiagnosis.explain("postgres", "exit code 1", "postgres to be ready", tail,
                ".baton/logs/postgres.log");

        assertThat(line).doesNotContain("\n")
                .startsWith("postgres exited (exit code 1) while waiting for postgres to be ready: ")
                .contains("java.lang.OutOfMemoryError: Java heap space")
                .contains("log: .baton/logs/postgres.log")
                .contains("try: the process ran out of heap");
    }

    @Test
    void shouldPointAtThePortOffsetWhenAPortIsTaken() {
        String line = StartupDiagnosis.explain("kafka", "exit code 1", "kafka to be ready",
                "ERROR [KafkaRaftServer] java.net.BindException: Address already in use", ".baton/logs/kafka.log");

        assertThat(line).contains("BindException").contains("BATON_PORT_OFFSET");
    }

    @Test
    void shouldSayThereIsNoErrorAndStillGiveTheLogWhenTheLogIsQuiet() {
        String line = StartupDiagnosis.explain("audit", "killed by signal 9", "audit to answer", "INFO starting\n",
                "logs/audit.log");

        assertThat(line).contains("no error in its log").contains("logs/audit.log").contains("try: read the log");
    }

    @Test
    void shouldSkipStackFramesAndKeepTheLastTellingLine() {
        assertThat(StartupDiagnosis.tellingLine("ERROR first\nat x.y(Z.java:1)\nFATAL: role \"x\" does not exist\n"
                + "\tat a.b(C.java:2)")).isEqualTo("FATAL: role \"x\" does not exist");
    }

    @Test
    void shouldPreferWhatFailedToTheCauseBelowIt() {
        String tail = String.join("\n",
                "Exception in thread \"main\" java.io.UncheckedIOException: Cannot unpack the PostgreSQL binaries into "
                        + "/proc/nope: java.nio.file.NoSuchFileException: /proc/nope",
                "\tat dev.baton.testkit.PostgresBinaries.prepare(PostgresBinaries.java:139)",
                "Caused by: java.nio.file.NoSuchFileException: /proc/nope",
                "\t... 3 more");

        String line = StartupDiagnosis.explain("postgres", "exit code 1", "postgres to be ready", tail, "postgres.log");

        assertThat(line).contains(": Exception in thread \"main\" java.io.UncheckedIOException: Cannot unpack")
                .contains("try: free disk space, or point BATON_POSTGRES_CACHE at another folder");
    }
}

/*
 * C test of the trusted-launch event-log API, compiled by gcc against include/trusted_launch.h
 * and the static library, run under valgrind by tools/test.sh.
 *
 * Usage: test_eventlog CORPUS, where CORPUS is the shared corpus root (the folder holding
 * eventlog/). Expected PCR values are those of eventlog/expected_pcrs.json, entry
 * "go-tpm-tools/rhel8-uefi.bin" (go-tpm-tools server/eventlog_test.go, var Rhel8GCE). The
 * Secure Boot state is that of the corpus PROVENANCE.md row for rhel8-uefi.bin ("Secure Boot on").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trusted_launch.h"

static int failures = 0;

#define CHECK(condition)                                                         \
    do {                                                                         \
        if (!(condition)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static unsigned char *read_file(const char *folder, const char *name, size_t *length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc(size > 0 ? (size_t)size : 1);
    if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(file);
    *length = (size_t)size;
    return data;
}

static void unhex(const char *text, unsigned char *out) {
    for (size_t i = 0; text[2 * i] != '\0'; i++) {
        unsigned int byte = 0;
        sscanf(text + 2 * i, "%2x", &byte);
        out[i] = (unsigned char)byte;
    }
}

/* expected_pcrs.json, "go-tpm-tools/rhel8-uefi.bin", sha256 bank. */
static const char *RHEL8_SHA256_PCR0 = "24af52a4f429b71a3184a6d64cddad17e54ea030e2aa6576bf3a5a3d8bd3328f";
static const char *RHEL8_SHA256_PCR4 = "758a3d35f1b0ff5b135dacd07db0c8132c0ac665d944090d4bf96e66447a245c";
static const char *RHEL8_SHA256_PCR7 = "5fd54361d580eb7592adb8deb236ff35444ceeac7148f24b3de63c041f12b3da";
/* The same entry, sha1 bank. */
static const char *RHEL8_SHA1_PCR7 = "d7a632f8990b2171e987041b0a3c69fc1b2a4f27";

static void test_replay_and_compare(const char *corpus) {
    size_t length;
    unsigned char *bytes = read_file(corpus, "eventlog/go-tpm-tools/rhel8-uefi.bin", &length);
    char message[256] = "";

    tl_event_log *log = NULL;
    CHECK(tl_event_log_parse(bytes, length, false, &log, message, sizeof message) == TL_STATUS_OK);
    free(bytes); /* the handle owns a copy */
    CHECK(tl_event_log_event_count(log) > 8);

    /* Event 0 is the Spec ID header: EV_NO_ACTION (3) in PCR 0, never extended. */
    tl_event event;
    CHECK(tl_event_log_event(log, 0, &event) == TL_STATUS_OK);
    CHECK(event.event_type == 3);
    CHECK(event.pcr == 0);
    CHECK(!event.extended);
    CHECK(event.data_length >= 16);
    CHECK(memcmp(event.data, "Spec ID Event03", 16) == 0);
    CHECK(tl_event_log_event(log, tl_event_log_event_count(log), &event) == TL_STATUS_INVALID_ARGUMENT);

    unsigned char digest[64];
    size_t written = 99;
    CHECK(tl_event_log_event_digest(log, 1, TL_HASH_ALGORITHM_SHA256, digest, sizeof digest, &written) == TL_STATUS_OK);
    CHECK(written == 32);
    CHECK(tl_event_log_event_digest(log, 1, TL_HASH_ALGORITHM_SHA512, digest, sizeof digest, &written) == TL_STATUS_OK);
    CHECK(written == 0);
    CHECK(tl_event_log_event_digest(log, 1, TL_HASH_ALGORITHM_SHA256, digest, 8, &written) == TL_STATUS_BUFFER_TOO_SMALL);

    tl_replay *replay = NULL;
    CHECK(tl_event_log_replay(log, &replay, message, sizeof message) == TL_STATUS_OK);
    unsigned char expected0[32], expected4[32], expected7[32], expected7_sha1[20];
    unhex(RHEL8_SHA256_PCR0, expected0);
    unhex(RHEL8_SHA256_PCR4, expected4);
    unhex(RHEL8_SHA256_PCR7, expected7);
    unhex(RHEL8_SHA1_PCR7, expected7_sha1);
    CHECK(tl_replay_pcr_value(replay, TL_HASH_ALGORITHM_SHA256, 0, digest, sizeof digest, &written) == TL_STATUS_OK);
    CHECK(written == 32);
    CHECK(memcmp(digest, expected0, 32) == 0);
    /* PCR 10 is not in the log (expected_pcrs.json lists PCRs 0-9 and 14 only). */
    CHECK(tl_replay_pcr_value(replay, TL_HASH_ALGORITHM_SHA256, 10, digest, sizeof digest, &written) == TL_STATUS_OK);
    CHECK(written == 0);

    unsigned char wrong[32];
    memset(wrong, 0xab, sizeof wrong);
    tl_pcr_value values[] = {
        {TL_HASH_ALGORITHM_SHA256, 0, expected0, 32},
        {TL_HASH_ALGORITHM_SHA256, 7, expected7, 32},
        {TL_HASH_ALGORITHM_SHA1, 7, expected7_sha1, 20},
        {TL_HASH_ALGORITHM_SHA256, 4, wrong, 32},
        {TL_HASH_ALGORITHM_SHA256, 10, wrong, 32},
    };
    tl_replay_report *report = NULL;
    CHECK(tl_replay_compare(replay, values, 5, false, &report, message, sizeof message) == TL_STATUS_OK);
    CHECK(tl_replay_report_count(report) == 5);
    CHECK(!tl_replay_report_all_match(report));

    tl_pcr_comparison comparison;
    CHECK(tl_replay_report_entry(report, 0, &comparison) == TL_STATUS_OK);
    CHECK(comparison.result == TL_PCR_RESULT_MATCHES);
    CHECK(comparison.quirk == TL_QUIRK_NONE);
    CHECK(tl_replay_report_entry(report, 2, &comparison) == TL_STATUS_OK);
    CHECK(comparison.algorithm == TL_HASH_ALGORITHM_SHA1);
    CHECK(comparison.result == TL_PCR_RESULT_MATCHES);
    CHECK(tl_replay_report_entry(report, 3, &comparison) == TL_STATUS_OK);
    CHECK(comparison.pcr == 4);
    CHECK(comparison.result == TL_PCR_RESULT_DIFFERS);
    CHECK(comparison.replayed_length == 32);
    CHECK(memcmp(comparison.replayed, expected4, 32) == 0);
    CHECK(tl_replay_report_entry(report, 4, &comparison) == TL_STATUS_OK);
    CHECK(comparison.result == TL_PCR_RESULT_NOT_IN_LOG);

    /* A value of the wrong length is a caller error with a message. */
    tl_pcr_value short_value = {TL_HASH_ALGORITHM_SHA256, 0, expected7_sha1, 20};
    tl_replay_report *unused = NULL;
    CHECK(tl_replay_compare(replay, &short_value, 1, false, &unused, message, sizeof message) ==
          TL_STATUS_INVALID_ARGUMENT);
    CHECK(unused == NULL);
    CHECK(strstr(message, "32 bytes") != NULL);

    /* PCR 7 matched in both banks it was compared in, so its Secure Boot state is readable. */
    tl_secure_boot_state *state = NULL;
    CHECK(tl_secure_boot_state_new(log, report, &state, message, sizeof message) == TL_STATUS_OK);
    CHECK(state != NULL);
    CHECK(tl_secure_boot_state_enabled(state));
    size_t db_count = tl_secure_boot_state_db_count(state);
    CHECK(db_count > 0);
    tl_signature_entry entry;
    CHECK(tl_secure_boot_state_db_entry(state, 0, &entry));
    CHECK(entry.data_length > 0 && entry.data != NULL);
    CHECK(!tl_secure_boot_state_db_entry(state, db_count, &entry));
    size_t authority_count = tl_secure_boot_state_authority_count(state);
    CHECK(authority_count > 0);
    tl_authority authority;
    CHECK(tl_secure_boot_state_authority(state, 0, &authority));
    CHECK(authority.kind == TL_AUTHORITY_KIND_SIGNATURE && authority.data_length > 16);
    tl_secure_boot_state_free(state);

    /* With only PCR 0 compared, PCR 7 is unverified and no state is claimed. */
    tl_replay_report *pcr0_only = NULL;
    CHECK(tl_replay_compare(replay, values, 1, false, &pcr0_only, message, sizeof message) == TL_STATUS_OK);
    CHECK(tl_replay_report_all_match(pcr0_only));
    state = (tl_secure_boot_state *)1;
    CHECK(tl_secure_boot_state_new(log, pcr0_only, &state, message, sizeof message) == TL_STATUS_OK);
    CHECK(state == NULL);

    tl_replay_report_free(pcr0_only);
    tl_replay_report_free(report);
    tl_replay_free(replay);
    tl_event_log_free(log);
}

static void test_unusable_logs(const char *corpus) {
    char message[256] = "";
    tl_event_log *log = NULL;

    /* PROVENANCE.md keylime binary_bios_measurements-empty: 0 bytes, must be rejected. */
    CHECK(tl_event_log_parse(NULL, 0, false, &log, message, sizeof message) == TL_STATUS_INPUT_EMPTY);
    CHECK(log == NULL);

    /* PROVENANCE.md ccel-cos-113-intel-tdx.bin: 0xFF padding after the last event. */
    size_t length;
    unsigned char *bytes = read_file(corpus, "eventlog/go-eventlog/ccel-cos-113-intel-tdx.bin", &length);
    CHECK(tl_event_log_parse(bytes, length, false, &log, message, sizeof message) == TL_STATUS_INPUT_PADDING);
    CHECK(tl_event_log_parse(bytes, length, true, &log, message, sizeof message) == TL_STATUS_OK);
    tl_event_log_free(log);
    log = NULL;

    /* A log cut inside its last event is truncated, and the message gives the offset. */
    CHECK(tl_event_log_parse(bytes, 2000, false, &log, message, sizeof message) == TL_STATUS_INPUT_TRUNCATED);
    CHECK(strstr(message, "offset 0x") != NULL);
    free(bytes);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS\n", argv[0]);
        return 2;
    }
    test_replay_and_compare(argv[1]);
    test_unusable_logs(argv[1]);
    if (failures != 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("test_eventlog: all checks passed\n");
    return 0;
}

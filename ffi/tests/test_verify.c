/*
 * C test of the trusted-launch API, compiled by gcc against include/trusted_launch.h and the
 * static library, run under valgrind by tools/test.sh.
 *
 * Usage: test_verify FIXTURES, where FIXTURES is tests/fixtures/secureboot. The expected
 * verdicts and digests are those of manifest.json, written by tools/fixtures/generate.py.
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

static void hex(const unsigned char *bytes, size_t length, char *out) {
    for (size_t i = 0; i < length; i++) {
        sprintf(out + 2 * i, "%02x", bytes[i]);
    }
    out[2 * length] = '\0';
}

/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072 in its on-disk byte order. */
static const unsigned char EFI_CERT_X509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                                0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};

static void test_allowed_image_names_its_db_entry(const char *fixtures) {
    size_t db_length, image_length, root_length;
    unsigned char *db = read_file(fixtures, "esl/root.x509.esl", &db_length);
    unsigned char *image = read_file(fixtures, "images/rsa2048-sha256.efi", &image_length);
    unsigned char *root = read_file(fixtures, "certs/root.der", &root_length);
    char message[256] = "";

    tl_policy *policy = NULL;
    CHECK(tl_policy_new(db, db_length, NULL, 0, &policy, message, sizeof message) == TL_STATUS_OK);
    tl_image_verdict *verdict = NULL;
    CHECK(tl_verify_image(policy, image, image_length, &verdict, message, sizeof message) == TL_STATUS_OK);
    CHECK(tl_image_verdict_is_allowed(verdict));
    CHECK(strcmp(tl_image_verdict_reason(verdict), "signature_in_db") == 0);

    unsigned char type[16], owner[16];
    const uint8_t *data = NULL;
    size_t data_length = 0;
    CHECK(tl_image_verdict_authority(verdict, &type, &owner, &data, &data_length));
    CHECK(memcmp(type, EFI_CERT_X509, 16) == 0);
    CHECK(data_length == root_length && memcmp(data, root, root_length) == 0);

    /* manifest.json case "rsa2048_chain_to_root", digests.sha256. */
    unsigned char digest[64];
    size_t written = 0;
    char text[129];
    CHECK(tl_image_verdict_digest(verdict, TL_HASH_ALGORITHM_SHA256, digest, sizeof digest, &written) == TL_STATUS_OK);
    hex(digest, written, text);
    CHECK(written == 32);
    CHECK(strcmp(text, "796f21309c59e094b305c366e3b74be61926a13f97374f433071898beadcf635") == 0);
    CHECK(tl_image_verdict_digest(verdict, TL_HASH_ALGORITHM_SHA256, digest, 8, &written) == TL_STATUS_BUFFER_TOO_SMALL);

    tl_image_verdict_free(verdict);
    tl_policy_free(policy);
    free(db);
    free(image);
    free(root);
}

static void test_refused_image_is_a_verdict_not_an_error(const char *fixtures) {
    size_t db_length, image_length;
    unsigned char *db = read_file(fixtures, "esl/root.x509.esl", &db_length);
    unsigned char *image = read_file(fixtures, "images/rogue-sha256.efi", &image_length);
    char message[256] = "";

    tl_policy *policy = NULL;
    CHECK(tl_policy_new(db, db_length, NULL, 0, &policy, message, sizeof message) == TL_STATUS_OK);
    tl_image_verdict *verdict = NULL;
    CHECK(tl_verify_image(policy, image, image_length, &verdict, message, sizeof message) == TL_STATUS_OK);
    CHECK(!tl_image_verdict_is_allowed(verdict));
    CHECK(strcmp(tl_image_verdict_reason(verdict), "not_authorized") == 0);
    CHECK(strlen(tl_image_verdict_detail(verdict)) > 0);

    unsigned char type[16], owner[16];
    const uint8_t *data = NULL;
    size_t data_length = 0;
    CHECK(!tl_image_verdict_authority(verdict, &type, &owner, &data, &data_length));

    tl_image_verdict_free(verdict);
    tl_policy_free(policy);
    free(db);
    free(image);
}

static void test_dbx_revocation_and_scope(const char *fixtures) {
    size_t db_length, dbx_length, image_length;
    unsigned char *db = read_file(fixtures, "esl/root.x509.esl", &db_length);
    unsigned char *dbx = read_file(fixtures, "esl/intermediate.tbs-sha256.esl", &dbx_length);
    unsigned char *image = read_file(fixtures, "images/rsa2048-sha256.efi", &image_length);
    char message[256] = "";

    tl_policy *policy = NULL;
    CHECK(tl_policy_new(db, db_length, dbx, dbx_length, &policy, message, sizeof message) == TL_STATUS_OK);
    CHECK(tl_policy_set_revocation_scope(policy, TL_REVOCATION_SCOPE_SIGNATURE) == TL_STATUS_OK);
    CHECK(tl_policy_set_revocation_scope(policy, 7) == TL_STATUS_INVALID_ARGUMENT);
    tl_image_verdict *verdict = NULL;
    CHECK(tl_verify_image(policy, image, image_length, &verdict, message, sizeof message) == TL_STATUS_OK);
    CHECK(strcmp(tl_image_verdict_reason(verdict), "certificate_hash_in_dbx") == 0);

    tl_image_verdict_free(verdict);
    tl_policy_free(policy);
    free(db);
    free(dbx);
    free(image);
}

static void test_errors_name_structure_and_offset(const char *fixtures) {
    size_t manifest_length;
    unsigned char *manifest = read_file(fixtures, "manifest.json", &manifest_length);
    char message[256] = "";

    tl_policy *policy = NULL;
    tl_status status = tl_policy_new(manifest, manifest_length, NULL, 0, &policy, message, sizeof message);
    CHECK(status >= TL_STATUS_INPUT_TRUNCATED && status <= TL_STATUS_INPUT_OTHER);
    CHECK(policy == NULL);
    CHECK(strstr(message, "EFI_SIGNATURE_LIST at offset 0x0") != NULL);

    /* A message buffer too small is truncated and NUL-terminated. */
    char small[8];
    memset(small, 'x', sizeof small);
    tl_policy_new(manifest, manifest_length, NULL, 0, &policy, small, sizeof small);
    CHECK(small[7] == '\0' && strlen(small) == 7);

    CHECK(tl_policy_new(NULL, 5, NULL, 0, &policy, message, sizeof message) == TL_STATUS_NULL_ARGUMENT);
    CHECK(tl_policy_new(NULL, 0, NULL, 0, NULL, message, sizeof message) == TL_STATUS_NULL_ARGUMENT);

    CHECK(tl_policy_new(NULL, 0, NULL, 0, &policy, NULL, 0) == TL_STATUS_OK);
    tl_image_verdict *verdict = NULL;
    status = tl_verify_image(policy, manifest, manifest_length, &verdict, message, sizeof message);
    CHECK(status != TL_STATUS_OK);
    CHECK(verdict == NULL);
    CHECK(strstr(message, "offset") != NULL);
    CHECK(tl_verify_image(NULL, manifest, manifest_length, &verdict, message, sizeof message) == TL_STATUS_NULL_ARGUMENT);

    tl_policy_free(policy);
    tl_policy_free(NULL);
    tl_image_verdict_free(NULL);
    CHECK(!tl_image_verdict_is_allowed(NULL));
    CHECK(tl_image_verdict_reason(NULL) == NULL);
    free(manifest);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURES\n", argv[0]);
        return 2;
    }
    test_allowed_image_names_its_db_entry(argv[1]);
    test_refused_image_is_a_verdict_not_an_error(argv[1]);
    test_dbx_revocation_and_scope(argv[1]);
    test_errors_name_structure_and_offset(argv[1]);
    if (failures != 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("C API tests passed\n");
    return 0;
}

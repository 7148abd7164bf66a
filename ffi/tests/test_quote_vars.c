/*
 * C test of the quote and variable-store API, compiled by gcc against include/trusted_launch.h
 * and the static library, run under valgrind by tools/test.sh.
 *
 * Usage: test_quote_vars REPOSITORY CORPUS. Expected values:
 * - tests/fixtures/boot/manifest.json (tools/fixtures/bootsample.py): the `good` quote is valid
 *   for its nonce (tpm2_checkquote accepts it) and refused for another nonce;
 * - the uefi corpus PROVENANCE.md row "DBXUpdate_amd64.bin": appended with attributes 0x67 to
 *   Debian's OVMF_VARS_4M.ms.fd it adds 443 entries, and written with 0x27 it is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trusted_launch.h"

static int failures = 0;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                                   \
        }                                                                                 \
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
    /* One extra byte keeps text files NUL-terminated for sscanf. */
    unsigned char *data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    data[size] = '\0';
    fclose(file);
    *length = (size_t)size;
    return data;
}

static size_t parse_hex(const unsigned char *text, size_t length, unsigned char *out, size_t capacity) {
    size_t count = 0;
    for (size_t i = 0; i + 1 < length && count < capacity; i += 2) {
        unsigned int byte;
        if (sscanf((const char *)text + i, "%2x", &byte) != 1) {
            break;
        }
        out[count++] = (unsigned char)byte;
    }
    return count;
}

static void test_quote(const char *repository) {
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/tests/fixtures/boot/good", repository);
    size_t ak_length, attest_length, signature_length, nonce_text_length;
    unsigned char *ak = read_file(folder, "ak.pub", &ak_length);
    unsigned char *attest = read_file(folder, "quote.msg", &attest_length);
    unsigned char *signature = read_file(folder, "quote.sig", &signature_length);
    unsigned char *nonce_text = read_file(folder, "nonce.hex", &nonce_text_length);
    unsigned char nonce[64];
    size_t nonce_length = parse_hex(nonce_text, nonce_text_length, nonce, sizeof nonce);
    char message[256] = "";

    tl_attestation_key *key = NULL;
    CHECK(tl_attestation_key_new(ak, ak_length, &key, message, sizeof message) == TL_STATUS_OK);
    uint32_t attributes = 0;
    CHECK(tl_attestation_key_object_attributes(key, &attributes));
    CHECK(attributes == 0x00050072); /* fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign */

    tl_pcr_selection *selection = tl_pcr_selection_new();
    CHECK(tl_pcr_selection_add(selection, TL_HASH_ALGORITHM_SHA256, 0x3ff) == TL_STATUS_OK);

    tl_quote_verdict *verdict = NULL;
    CHECK(tl_verify_quote(key, attest, attest_length, signature, signature_length, nonce, nonce_length, selection,
                          NULL, 0, &verdict, message, sizeof message) == TL_STATUS_OK);
    CHECK(tl_quote_verdict_is_valid(verdict));
    CHECK(strcmp(tl_quote_verdict_reason(verdict), "valid") == 0);
    tl_quote_verdict_free(verdict);

    nonce[0] ^= 0xff;
    verdict = NULL;
    CHECK(tl_verify_quote(key, attest, attest_length, signature, signature_length, nonce, nonce_length, selection,
                          NULL, 0, &verdict, message, sizeof message) == TL_STATUS_OK);
    CHECK(!tl_quote_verdict_is_valid(verdict));
    CHECK(strcmp(tl_quote_verdict_reason(verdict), "nonce_mismatch") == 0);
    tl_quote_verdict_free(verdict);

    CHECK(tl_attestation_key_new(attest, attest_length, &key, message, sizeof message) != TL_STATUS_OK);
    CHECK(strstr(message, "offset") != NULL);

    tl_pcr_selection_free(selection);
    tl_attestation_key_free(key);
    free(ak);
    free(attest);
    free(signature);
    free(nonce_text);
}

static void test_dbx_update(const char *corpus) {
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/uefi", corpus);
    size_t store_length, update_length;
    unsigned char *image = read_file(folder, "ovmf_debian/OVMF_VARS_4M.ms.fd", &store_length);
    unsigned char *update = read_file(folder, "secureboot_objects/dbx/DBXUpdate_amd64.bin", &update_length);
    char message[256] = "";

    tl_varstore *store = NULL;
    CHECK(tl_varstore_new_edk2(image, store_length, &store, message, sizeof message) == TL_STATUS_OK);
    CHECK(tl_varstore_variable_count(store) == 31); /* PROVENANCE: virt-fw-vars lists 31 variables */

    tl_update_verdict *verdict = NULL;
    CHECK(tl_varstore_apply_update(store, "dbx", NULL, 0x27, update, update_length, &verdict, message,
                                   sizeof message) == TL_STATUS_OK);
    CHECK(!tl_update_verdict_is_accepted(verdict));
    tl_update_verdict_free(verdict);

    verdict = NULL;
    CHECK(tl_varstore_apply_update(store, "dbx", NULL, 0x67, update, update_length, &verdict, message,
                                   sizeof message) == TL_STATUS_OK);
    CHECK(tl_update_verdict_is_accepted(verdict));
    size_t before = 0, after = 0;
    CHECK(tl_update_verdict_entries(verdict, &before, &after));
    CHECK(after - before == 443);
    tl_update_verdict_free(verdict);

    unsigned char *written = malloc(store_length);
    size_t written_length = 0;
    CHECK(tl_varstore_to_bytes(store, written, store_length, &written_length) == TL_STATUS_OK);
    CHECK(written_length == store_length);

    tl_policy *policy = NULL;
    CHECK(tl_policy_new_from_varstore(store, &policy, message, sizeof message) == TL_STATUS_OK);
    tl_policy_free(policy);

    tl_varstore_free(store);
    free(written);
    free(image);
    free(update);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s REPOSITORY CORPUS\n", argv[0]);
        return 2;
    }
    test_quote(argv[1]);
    test_dbx_update(argv[2]);
    if (failures != 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("C quote and variable-store tests passed\n");
    return 0;
}

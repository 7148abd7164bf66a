//! Applying Microsoft's published amd64 dbx update (443 SHA-256 entries, signed under Microsoft
//! Corporation KEK CA 2011) to Debian's OVMF variable store with Microsoft keys: parse the store,
//! verify and append the update, and write the store back.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use trusted_launch::uefi::authvar::UpdateVerdict;
use trusted_launch::uefi::guid::EFI_IMAGE_SECURITY_DATABASE;
use trusted_launch::uefi::varstore::apply_update_to_store;
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch_benches::corpus_root;

/// `EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS |
/// TIME_BASED_AUTHENTICATED_WRITE_ACCESS | APPEND_WRITE`.
const APPEND_ATTRIBUTES: u32 = 0x67;

fn apply_dbx(c: &mut Criterion) {
    let uefi = corpus_root().join("uefi");
    let (Ok(store), Ok(update)) = (
        std::fs::read(uefi.join("ovmf_debian/OVMF_VARS_4M.ms.fd")),
        std::fs::read(uefi.join("secureboot_objects/dbx/DBXUpdate_amd64.bin")),
    ) else {
        eprintln!("authvar: the uefi corpus was not found; set TRUSTED_LAUNCH_CORPUS");
        return;
    };
    let apply = |bytes: &[u8]| {
        let mut parsed = NvStore::parse(bytes).unwrap();
        let verdict =
            apply_update_to_store(&mut parsed, "dbx", &EFI_IMAGE_SECURITY_DATABASE, APPEND_ATTRIBUTES, &update)
                .unwrap();
        (verdict, parsed.to_bytes())
    };
    let (verdict, _) = apply(&store);
    assert!(matches!(verdict, UpdateVerdict::Accepted { .. }), "{verdict:?}");

    let mut group = c.benchmark_group("authvar");
    group.bench_function("apply_dbx_amd64_to_ovmf_store", |b| b.iter(|| apply(black_box(&store))));
    group.bench_function("parse_ovmf_store", |b| b.iter(|| NvStore::parse(black_box(&store))));
    group.finish();
}

criterion_group!(benches, apply_dbx);
criterion_main!(benches);

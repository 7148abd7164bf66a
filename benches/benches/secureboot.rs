//! Secure Boot verification cost.
//!
//! - `verify_image/<file>`: `verify_image` on a large signed image (Debian's signed kernel, about
//!   8 MB, fetched by `tools/fetch-debian-boot.sh`, or `$TRUSTED_LAUNCH_BENCH_IMAGE`) with the
//!   Debian CA from shim in db and a 443-entry dbx, next to a plain SHA-256 of the same bytes.
//!   The target is at most 1.15 times the plain SHA-256.
//! - `dbx_lookup/<entries>`: one image-digest lookup in a dbx of 443 and of 10 000 entries,
//!   which should cost about the same.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use trusted_launch::digest::{Digest, HashAlgorithm};
use trusted_launch::pe::PeImage;
use trusted_launch::uefi::guid::{EFI_CERT_SHA256, EFI_CERT_X509, Guid};
use trusted_launch::uefi::secureboot::SecureBootPolicy;
use trusted_launch::uefi::shim::vendor_certificates;
use trusted_launch::uefi::sigdb::SignatureDatabase;
use trusted_launch::uefi::siglist::build_signature_list;
use trusted_launch_benches::{large_signed_image, repo_root};

const OWNER: Guid = Guid::from_bytes([0x42; 16]);

/// A dbx of `count` distinct SHA-256 entries, none of which matches a real image.
fn synthetic_dbx(count: u32) -> SignatureDatabase {
    let hashes: Vec<Digest> = (0..count).map(|index| HashAlgorithm::Sha256.hash(&index.to_le_bytes())).collect();
    let entries: Vec<(Guid, &[u8])> = hashes.iter().map(|digest| (OWNER, digest.as_bytes())).collect();
    let bytes = build_signature_list(EFI_CERT_SHA256, &entries).expect("equal-size SHA-256 entries");
    SignatureDatabase::from_bytes(&bytes).expect("a list this crate built")
}

fn debian_ca() -> Option<Vec<u8>> {
    let shim = std::fs::read(repo_root().join(".cache/debian/shimx64.efi.signed")).ok()?;
    let pe = PeImage::parse(&shim).ok()?;
    let vendor = vendor_certificates(&pe).ok()??;
    vendor.authorized.first().map(|der| der.to_vec())
}

fn verify_image(c: &mut Criterion) {
    let (Some((path, image)), Some(ca)) = (large_signed_image(), debian_ca()) else {
        eprintln!("verify_image: no large signed image; run tools/fetch-debian-boot.sh first");
        return;
    };
    let db_bytes = build_signature_list(EFI_CERT_X509, &[(OWNER, ca.as_slice())]).expect("one certificate");
    let policy =
        SecureBootPolicy::new(SignatureDatabase::from_bytes(&db_bytes).expect("built list"), synthetic_dbx(443));
    assert!(policy.verify_image(&image).expect("a PE image").is_allowed(), "{} must be allowed", path.display());

    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut group = c.benchmark_group(format!("verify_image/{name}"));
    group.sample_size(20);
    group.bench_function("sha256_plain", |b| b.iter(|| HashAlgorithm::Sha256.hash(black_box(&image))));
    group.bench_function("verify_image", |b| b.iter(|| policy.verify_image(black_box(&image))));
    group.finish();
}

fn dbx_lookup(c: &mut Criterion) {
    let probe = HashAlgorithm::Sha256.hash(b"an image digest that no dbx entry holds");
    let mut group = c.benchmark_group("dbx_lookup");
    for count in [443, 10_000] {
        let dbx = synthetic_dbx(count);
        group.bench_function(count.to_string(), |b| b.iter(|| dbx.find_image_digest(black_box(&probe))));
    }
    group.finish();
}

criterion_group!(benches, verify_image, dbx_lookup);
criterion_main!(benches);

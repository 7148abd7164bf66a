//! `verify_image` end to end, with the generated test root in db, its intermediate's TBS hash
//! in dbx and an SbatLevel, so every stage can be reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trusted_launch::uefi::sbat::SbatLevelOwned;
use trusted_launch::uefi::secureboot::SecureBootPolicy;
use trusted_launch::uefi::sigdb::SignatureDatabase;

static DB: &[u8] = include_bytes!("../../tests/fixtures/secureboot/esl/root.x509.esl");
static DBX: &[u8] = include_bytes!("../../tests/fixtures/secureboot/esl/leaf-p256.x509.esl");
static SBAT_LEVEL: &[u8] = include_bytes!("../../tests/fixtures/secureboot/sbat/sbat-level-trustedlaunch-1.txt");

fuzz_target!(|image: &[u8]| {
    let (Ok(db), Ok(dbx), Ok(level)) =
        (SignatureDatabase::from_bytes(DB), SignatureDatabase::from_bytes(DBX), SbatLevelOwned::parse(SBAT_LEVEL))
    else {
        return;
    };
    let mut policy = SecureBootPolicy::new(db, dbx);
    policy.sbat_level = Some(level);
    let _ = policy.verify_image(image);
});

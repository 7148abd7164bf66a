//! Robustness: prediction and measurement never panic on arbitrary stores and images.
use proptest::prelude::*;
use trusted_launch::boot::measure::Measurer;
use trusted_launch::boot::predict::{BootChain, PredictOptions, predict};
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::eventlog::EventType;
use trusted_launch::uefi::guid::{EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, SHIM_LOCK};
use trusted_launch::uefi::varstore::edk2::NvStore;
use trusted_launch::uefi::varstore::efivarfs::EfivarfsStore;

fn variable_name() -> impl Strategy<Value = (&'static str, trusted_launch::uefi::guid::Guid)> {
    prop_oneof![
        Just(("SecureBoot", EFI_GLOBAL_VARIABLE)),
        Just(("PK", EFI_GLOBAL_VARIABLE)),
        Just(("KEK", EFI_GLOBAL_VARIABLE)),
        Just(("db", EFI_IMAGE_SECURITY_DATABASE)),
        Just(("dbx", EFI_IMAGE_SECURITY_DATABASE)),
        Just(("dbt", EFI_IMAGE_SECURITY_DATABASE)),
        Just(("SbatLevel", SHIM_LOCK)),
    ]
}

proptest! {
    #[test]
    fn predict_never_panics(
        variables in proptest::collection::vec((variable_name(), proptest::collection::vec(any::<u8>(), 0..64)), 0..6),
        shim in proptest::collection::vec(any::<u8>(), 0..512),
        grub in proptest::collection::vec(any::<u8>(), 0..256),
        kernel in proptest::collection::vec(any::<u8>(), 0..256),
        failed_boot_options in 0u32..3,
    ) {
        let files: Vec<(String, Vec<u8>)> = variables
            .iter()
            .map(|((name, guid), data)| {
                let mut contents = 7u32.to_le_bytes().to_vec();
                contents.extend_from_slice(data);
                (trusted_launch::uefi::varstore::efivarfs::file_name(name, guid), contents)
            })
            .collect();
        let store = EfivarfsStore::from_files(files.iter().map(|(name, data)| (name.as_str(), data.as_slice())));
        if let Ok(store) = store {
            let chain = BootChain { shim: &shim, grub: &grub, kernel: &kernel };
            let options = PredictOptions { failed_boot_options, ..PredictOptions::default() };
            let _ = predict(&store, &chain, &options);
        }
    }

    #[test]
    fn nvstore_prediction_never_panics(store in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(store) = NvStore::parse(&store) {
            let chain = BootChain { shim: &[], grub: &[], kernel: &[] };
            let _ = predict(&store, &chain, &PredictOptions::default());
        }
    }

    #[test]
    fn measure_never_panics(
        pcr in 0u32..30,
        event_type in any::<u32>(),
        name in ".{0,16}",
        data in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut measurer = Measurer::new(&HashAlgorithm::ALL, 0).unwrap();
        let _ = measurer.measure_variable(pcr, EventType(event_type), &name, &EFI_GLOBAL_VARIABLE, &data);
        let _ = measurer.measure_image(pcr, EventType(event_type), &data, &data);
        let _ = measurer.measure_ipl(pcr, &data);
        let _ = measurer.measure_action(pcr, &name);
        let _ = measurer.measure_separator(&[pcr]);
        let _ = measurer.finish();
    }
}

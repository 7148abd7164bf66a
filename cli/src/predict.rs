//! `trusted-launch predict`: the PCR 4, 7 and 14 values and events that OVMF booting shim, GRUB
//! and a kernel will produce, from the variable store before the boot and the three images.
//!
//! JSON of `predict --json`: `{"secure_boot", "pcrs": {"<bank>": {"4": "<hex>", "7": "<hex>",
//! "14": "<hex>"}}, "events": [{"pcr", "type", "digests": {"<bank>": "<hex>"}, "description"}]}`,
//! with one bank for each of sha1, sha256, sha384 and sha512.
//!
//! Exit status: 0 with a prediction, 1 when firmware or shim would reject an image (so the boot
//! never happens), 2 when an input cannot be used.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value, json};
use trusted_launch::boot::predict::{
    BootChain, BootStage, PREDICTED_PCRS, PredictError, PredictOptions, Prediction, predict,
};
use trusted_launch::digest::HashAlgorithm;
use trusted_launch::eventlog::EventType;

use crate::sources::read_file;
use crate::vars::load_store;
use crate::{InputError, Outcome};

#[derive(Args)]
pub(crate) struct PredictArgs {
    /// The variable store before the boot: an OVMF/EDK2 store file (`OVMF_VARS*.fd`) or an
    /// efivarfs folder.
    #[arg(long, value_name = "STORE")]
    vars: PathBuf,
    /// The boot images in boot order: shim, GRUB, then the kernel.
    #[arg(long = "image", value_name = "PE", num_args = 3, required = true)]
    images: Vec<PathBuf>,
    /// Boot options that firmware tries and fails before shim's. QEMU's q35 machine has an
    /// empty DVD drive that OVMF tries first, hence the default of 1.
    #[arg(long, value_name = "COUNT", default_value_t = 1)]
    failed_boot_options: u32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn image_path(images: &[PathBuf], stage: BootStage) -> String {
    let index = match stage {
        BootStage::Shim => 0,
        BootStage::Grub => 1,
        BootStage::Kernel => 2,
    };
    images.get(index).map(|path| path.display().to_string()).unwrap_or_default()
}

pub(crate) fn run(args: &PredictArgs) -> Result<Outcome, InputError> {
    let loaded = load_store(&args.vars)?;
    let images = args.images.iter().map(|path| read_file(path)).collect::<Result<Vec<_>, _>>()?;
    let [shim, grub, kernel] = images.as_slice() else {
        return Err(InputError(format!("expected 3 images (shim, GRUB, kernel), got {}", images.len())));
    };
    let chain = BootChain { shim, grub, kernel };
    let options = PredictOptions { failed_boot_options: args.failed_boot_options, ..PredictOptions::default() };

    let prediction = match predict(loaded.store(), &chain, &options) {
        Ok(prediction) => prediction,
        Err(error @ PredictError::Refused { .. }) => {
            println!("{error}");
            return Ok(Outcome::Fail);
        }
        Err(error) => {
            // Name the file the error concerns: the store, or the image of the failing stage.
            let file = match &error {
                PredictError::Image { stage, .. } => image_path(&args.images, *stage),
                PredictError::ShimUnsupported(_) => image_path(&args.images, BootStage::Shim),
                _ => args.vars.display().to_string(),
            };
            return Err(InputError(format!("{file}: {error}")));
        }
    };

    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&prediction)).unwrap_or_default());
    } else {
        print_text(&prediction);
    }
    Ok(Outcome::Pass)
}

fn type_name(event_type: EventType) -> String {
    event_type.name().map_or_else(|| format!("{:#010x}", event_type.0), str::to_owned)
}

fn bank_name(algorithm: HashAlgorithm) -> String {
    algorithm.name().to_owned()
}

fn to_json(prediction: &Prediction) -> Value {
    let mut pcrs = Map::new();
    for algorithm in prediction.algorithms() {
        let values: Map<String, Value> = PREDICTED_PCRS
            .iter()
            .filter_map(|pcr| Some((pcr.to_string(), json!(prediction.value(algorithm, *pcr)?.to_string()))))
            .collect();
        pcrs.insert(bank_name(algorithm), Value::Object(values));
    }
    let events: Vec<Value> = prediction
        .events
        .iter()
        .map(|event| {
            let digests: Map<String, Value> =
                event.digests.iter().map(|digest| (bank_name(digest.algorithm()), json!(digest.to_string()))).collect();
            json!({
                "pcr": event.pcr,
                "type": type_name(event.event_type),
                "digests": digests,
                "description": event.description,
            })
        })
        .collect();
    json!({ "secure_boot": prediction.secure_boot, "pcrs": pcrs, "events": events })
}

fn print_text(prediction: &Prediction) {
    let state = if prediction.secure_boot { "on" } else { "off" };
    println!("Secure Boot: {state}");
    println!("Predicted PCRs:");
    for algorithm in prediction.algorithms() {
        for pcr in PREDICTED_PCRS {
            if let Some(value) = prediction.value(algorithm, pcr) {
                println!("  {:<6} {pcr:>2}: {value}", bank_name(algorithm));
            }
        }
    }
    println!("Events ({}):", prediction.events.len());
    for event in &prediction.events {
        // The first 16 hex digits of the SHA-256 digest identify an event at a glance.
        let sha256 = event
            .digests
            .iter()
            .find(|digest| digest.algorithm() == HashAlgorithm::Sha256)
            .map_or_else(String::new, |digest| format!("sha256 {}", hex_prefix(&digest.to_string())));
        println!("  PCR {:>2}  {:<34} {}  {}", event.pcr, type_name(event.event_type), sha256, event.description);
    }
}

fn hex_prefix(hex: &str) -> &str {
    hex.get(..16).unwrap_or(hex)
}

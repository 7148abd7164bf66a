//! Secure Boot verification of a chain of boot images, each checked by the policy of the
//! component that loads it: the first image by the firmware's `db`, `dbx` and `dbt`; every image
//! after a shim (an image with a `.vendor_cert` section) by shim's rule, which adds the
//! certificate shim embeds to `db` and shim's own deny list to `dbx` (shim 15 and later,
//! `verify_buffer`). shim's `MokList` is not part of the evidence and so is not consulted.
//!
//! A refused image stops the boot, so the images after it are not checked: firmware and shim
//! never load them.
//!
//! Entry point: [`verify_chain`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::boot::component::{Component, is_kernel_file_name};
use crate::boot::evidence::BootImage;
use crate::digest::{Digest, HashAlgorithm};
use crate::error::Error;
use crate::pe::PeImage;
use crate::uefi::guid::Guid;
use crate::uefi::secureboot::{ImageVerdict, SecureBootPolicy};
use crate::uefi::shim::vendor_certificates;

/// Owner GUID given to shim's embedded certificate, which carries none.
const VENDOR_CERTIFICATE_OWNER: Guid = Guid::from_bytes([0; 16]);

/// The x86 Linux boot protocol header magic `HdrS` at offset 0x202 of every bzImage, EFI stub
/// kernels included (Linux `Documentation/arch/x86/boot.rst`).
const X86_LINUX_MAGIC: (usize, &[u8; 4]) = (0x202, b"HdrS");
/// The arm64 Linux image magic `ARM\x64` at offset 0x38 (Linux `Documentation/arch/arm64/booting.rst`).
const ARM64_LINUX_MAGIC: (usize, &[u8; 4]) = (0x38, b"ARMd");

/// One checked image.
#[derive(Clone, Debug)]
pub struct ChainEntry {
    /// The evidence name.
    pub name: String,
    /// [`Component::Kernel`] for a Linux kernel, [`Component::BootLoader`] otherwise.
    pub component: Component,
    /// The Authenticode SHA-256.
    pub sha256: Digest,
    /// The policy's decision; `None` when an earlier image was refused, so this one is never
    /// loaded.
    pub verdict: Option<ImageVerdict>,
    /// Which policy decided: `"db"` for the firmware's, `"db + shim vendor certificate"` after a
    /// shim.
    pub checked_by: &'static str,
}

/// Checks `images`, in boot order, against `firmware`. Fails only when an image's PE headers
/// cannot be read at all.
pub fn verify_chain(images: &[BootImage<'_>], firmware: &SecureBootPolicy) -> Result<Vec<ChainEntry>, Error> {
    let firmware_policy = SecureBootPolicy { sbat_level: None, ..firmware.clone() };
    let mut shim_policy: Option<SecureBootPolicy> = None;
    let mut entries = Vec::with_capacity(images.len());
    let mut stopped = false;

    for image in images {
        let pe = PeImage::parse(image.bytes)?;
        let sha256 = pe.authenticode_digest(HashAlgorithm::Sha256)?;
        // The Linux header magic decides, or else the name the caller gave the image.
        let component = match image_component(image.bytes) {
            Component::BootLoader if is_kernel_file_name(image.name) => Component::Kernel,
            component => component,
        };
        let name = String::from(image.name);
        if stopped {
            entries.push(ChainEntry { name, component, sha256, verdict: None, checked_by: "not reached" });
            continue;
        }
        let (policy, checked_by) = match &shim_policy {
            Some(policy) => (policy, "db + shim vendor certificate"),
            None => (&firmware_policy, "db"),
        };
        let verdict = policy.verify_image(image.bytes)?;

        // A shim that may run extends the policy for the images it loads.
        if verdict.is_allowed() {
            if let Ok(Some(vendor)) = vendor_certificates(&pe) {
                let mut extended = firmware.clone();
                for certificate in &vendor.authorized {
                    extended.db.add_certificate(certificate, VENDOR_CERTIFICATE_OWNER)?;
                }
                for list in &vendor.deauthorized_lists {
                    extended.dbx.add_list(list);
                }
                shim_policy = Some(extended);
            }
        }

        stopped = !verdict.is_allowed();
        entries.push(ChainEntry { name, component, sha256, verdict: Some(verdict), checked_by });
    }
    Ok(entries)
}

/// [`Component::Kernel`] for a Linux kernel image (x86 or arm64 magic), otherwise
/// [`Component::BootLoader`].
pub fn image_component(bytes: &[u8]) -> Component {
    let has = |(offset, magic): (usize, &[u8; 4])| {
        offset.checked_add(4).and_then(|end| bytes.get(offset..end)).is_some_and(|found| found == magic)
    };
    if has(X86_LINUX_MAGIC) || has(ARM64_LINUX_MAGIC) { Component::Kernel } else { Component::BootLoader }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_magic_decides_component() {
        let mut kernel = alloc::vec![0u8; 0x300];
        kernel[0x202..0x206].copy_from_slice(b"HdrS");
        assert_eq!(image_component(&kernel), Component::Kernel);
        assert_eq!(image_component(&[0u8; 0x300]), Component::BootLoader);
        assert_eq!(image_component(&[]), Component::BootLoader);
    }
}

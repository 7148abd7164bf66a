//! Secure Boot image verification: a policy handle built from signature-list bytes, and
//! `tl_verify_image`.

use core::ffi::c_char;

use trusted_launch::digest::HashAlgorithm;
use trusted_launch::uefi::sbat::SbatLevelOwned;
use trusted_launch::uefi::secureboot::{AuthorizedBy, ImageVerdict, RevocationScope, SecureBootPolicy};
use trusted_launch::uefi::sigdb::SignatureDatabase;

use crate::{guarded, input, input_error, null_argument, tl_status};

/// Whether a signature revoked by dbx refuses the whole image (the default) or only itself.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum tl_revocation_scope {
    /// One revoked signature refuses the image (EDK2 today).
    Image = 0,
    /// A revoked signature disqualifies only itself.
    Signature = 1,
}

/// A Secure Boot policy: db, dbx, dbt, optional SbatLevel.
pub struct tl_policy {
    pub(crate) policy: SecureBootPolicy,
}

/// The verdict on one image.
pub struct tl_image_verdict {
    verdict: ImageVerdict,
    reason: std::ffi::CString,
    detail: std::ffi::CString,
}

fn parse_database(name: &str, data: *const u8, length: usize) -> Result<SignatureDatabase, (tl_status, String)> {
    // SAFETY: forwarded from the entry point's contract on `data`/`length`.
    let bytes = unsafe { input(data, length) }.ok_or_else(|| null_argument(name))?;
    SignatureDatabase::from_bytes(bytes).map_err(|error| input_error(name, &error))
}

/// Creates a policy from `db` and `dbx`, each a concatenation of `EFI_SIGNATURE_LIST`s (the
/// variable's data, without an efivarfs attribute word). Either may be NULL with length 0 for an
/// empty database. On success `*out` owns a policy to release with `tl_policy_free`.
///
/// # Safety
/// `db`/`dbx` are valid for their lengths (or NULL with length 0); `out` is a valid pointer;
/// `message` is NULL or valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_policy_new(
    db: *const u8,
    db_length: usize,
    dbx: *const u8,
    dbx_length: usize,
    out: *mut *mut tl_policy,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        if out.is_null() {
            return Err(null_argument("out"));
        }
        let policy =
            SecureBootPolicy::new(parse_database("db", db, db_length)?, parse_database("dbx", dbx, dbx_length)?);
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(tl_policy { policy })) };
        Ok(())
    })
}

/// Sets the policy's `dbt` (signature lists, as for `tl_policy_new`).
///
/// # Safety
/// `policy` is a live handle from `tl_policy_new`; the other pointers as for `tl_policy_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_policy_set_dbt(
    policy: *mut tl_policy,
    dbt: *const u8,
    dbt_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let policy = unsafe { policy.as_mut() }.ok_or_else(|| null_argument("policy"))?;
        policy.policy.dbt = parse_database("dbt", dbt, dbt_length)?;
        Ok(())
    })
}

/// Sets shim's `SbatLevel` payload (`sbat,1,<datestamp>` then `component,generation` lines),
/// which enables the SBAT check. NULL with length 0 removes it.
///
/// # Safety
/// As for `tl_policy_set_dbt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_policy_set_sbat_level(
    policy: *mut tl_policy,
    sbat_level: *const u8,
    sbat_level_length: usize,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let policy = unsafe { policy.as_mut() }.ok_or_else(|| null_argument("policy"))?;
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(sbat_level, sbat_level_length) }.ok_or_else(|| null_argument("sbat_level"))?;
        policy.policy.sbat_level = if bytes.is_empty() {
            None
        } else {
            Some(SbatLevelOwned::parse(bytes).map_err(|error| input_error("SbatLevel", &error))?)
        };
        Ok(())
    })
}

/// Chooses whether a signature revoked by dbx refuses the whole image or only itself.
///
/// # Safety
/// `policy` is a live handle or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_policy_set_revocation_scope(policy: *mut tl_policy, scope: u32) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let policy = unsafe { policy.as_mut() }.ok_or_else(|| null_argument("policy"))?;
        policy.policy.revocation_scope = match scope {
            0 => RevocationScope::Image,
            1 => RevocationScope::Signature,
            _ => return Err((tl_status::InvalidArgument, format!("unknown revocation scope {scope}"))),
        };
        Ok(())
    })
}

/// Releases a policy. NULL is ignored.
///
/// # Safety
/// `policy` is NULL or a handle from `tl_policy_new` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_policy_free(policy: *mut tl_policy) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(policy) }
}

/// Decides whether firmware with `policy` would run the PE/COFF `image`. Returns `TL_STATUS_OK`
/// with a verdict in `*out` (release with `tl_image_verdict_free`) whether the image is allowed
/// or refused; an error status only when the PE headers cannot be read.
///
/// # Safety
/// `policy` is a live handle; `image` is valid for `image_length` bytes; `out` is valid;
/// `message` is NULL or valid for `message_capacity` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_verify_image(
    policy: *const tl_policy,
    image: *const u8,
    image_length: usize,
    out: *mut *mut tl_image_verdict,
    message: *mut c_char,
    message_capacity: usize,
) -> tl_status {
    guarded(message, message_capacity, || {
        // SAFETY: the caller passes a live handle or NULL.
        let policy = unsafe { policy.as_ref() }.ok_or_else(|| null_argument("policy"))?;
        if out.is_null() {
            return Err(null_argument("out"));
        }
        // SAFETY: forwarded from this function's contract.
        let bytes = unsafe { input(image, image_length) }.ok_or_else(|| null_argument("image"))?;
        let verdict = policy.policy.verify_image(bytes).map_err(|error| input_error("image", &error))?;
        let detail = match &verdict {
            ImageVerdict::Allowed { authority, .. } => match authority.by {
                AuthorizedBy::ImageDigest(algorithm) => format!("the image's {algorithm} digest is in db"),
                AuthorizedBy::Signature(position) => format!("{position} chains to a db certificate"),
            },
            ImageVerdict::Refused { reason, .. } => reason.to_string(),
        };
        let handle = tl_image_verdict {
            reason: std::ffi::CString::new(verdict.code()).unwrap_or_default(),
            detail: std::ffi::CString::new(detail.replace('\0', " ")).unwrap_or_default(),
            verdict,
        };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { *out = Box::into_raw(Box::new(handle)) };
        Ok(())
    })
}

/// Whether the image is allowed. False for NULL.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_image_verdict_is_allowed(verdict: *const tl_image_verdict) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.is_some_and(|verdict| verdict.verdict.is_allowed())
}

/// The stable reason code: `"signature_in_db"` or `"digest_in_db"` for an allowed image, a
/// refusal code such as `"digest_in_dbx"` for a refused one. The string
/// lives as long as the verdict. NULL for a NULL verdict.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_image_verdict_reason(verdict: *const tl_image_verdict) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.map_or(core::ptr::null(), |verdict| verdict.reason.as_ptr())
}

/// A sentence explaining the verdict. The string lives as long as the verdict.
///
/// # Safety
/// `verdict` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_image_verdict_detail(verdict: *const tl_image_verdict) -> *const c_char {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { verdict.as_ref() }.map_or(core::ptr::null(), |verdict| verdict.detail.as_ptr())
}

/// For an allowed image, the authorizing db entry, exactly as firmware measures it into PCR 7:
/// the signature type GUID and owner GUID (16 bytes each, on-disk order) and the entry's data
/// (borrowed; valid as long as the verdict). Returns false, writing nothing, for a refused image.
///
/// # Safety
/// `verdict` is NULL or a live handle; the out pointers are valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_image_verdict_authority(
    verdict: *const tl_image_verdict,
    signature_type: *mut [u8; 16],
    owner: *mut [u8; 16],
    data: *mut *const u8,
    data_length: *mut usize,
) -> bool {
    // SAFETY: the caller passes a live handle or NULL.
    let Some(ImageVerdict::Allowed { authority, .. }) = (unsafe { verdict.as_ref() }).map(|v| &v.verdict) else {
        return false;
    };
    if signature_type.is_null() || owner.is_null() || data.is_null() || data_length.is_null() {
        return false;
    }
    // SAFETY: all four out pointers were checked non-NULL and the caller guarantees them valid.
    unsafe {
        *signature_type = *authority.entry.signature_type.as_bytes();
        *owner = *authority.entry.owner.as_bytes();
        *data = authority.entry.data.as_ptr();
        *data_length = authority.entry.data.len();
    }
    true
}

/// Copies the image's Authenticode digest in `algorithm` into `out` (capacity `out_capacity`)
/// and its length into `*written`. The verifier computes only the algorithms it needs (each
/// signature's and those db/dbx hold); `TL_STATUS_INVALID_ARGUMENT` means this one was not.
///
/// # Safety
/// `verdict` is a live handle; `out` is valid for `out_capacity` bytes; `written` is valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_image_verdict_digest(
    verdict: *const tl_image_verdict,
    algorithm: u32,
    out: *mut u8,
    out_capacity: usize,
    written: *mut usize,
) -> tl_status {
    guarded(core::ptr::null_mut(), 0, || {
        // SAFETY: the caller passes a live handle or NULL.
        let verdict = unsafe { verdict.as_ref() }.ok_or_else(|| null_argument("verdict"))?;
        if out.is_null() || written.is_null() {
            return Err(null_argument("out"));
        }
        let algorithm = match algorithm {
            1 => HashAlgorithm::Sha1,
            2 => HashAlgorithm::Sha256,
            3 => HashAlgorithm::Sha384,
            4 => HashAlgorithm::Sha512,
            _ => return Err((tl_status::InvalidArgument, format!("unknown hash algorithm {algorithm}"))),
        };
        let digest = verdict
            .verdict
            .details()
            .digests
            .get(algorithm)
            .ok_or_else(|| (tl_status::InvalidArgument, format!("{algorithm} digest was not computed")))?;
        let bytes = digest.as_bytes();
        if bytes.len() > out_capacity {
            return Err((tl_status::BufferTooSmall, format!("{} bytes needed", bytes.len())));
        }
        // SAFETY: `out` has `out_capacity >= bytes.len()` writable bytes; `written` is valid.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
            *written = bytes.len();
        }
        Ok(())
    })
}

/// Releases a verdict. NULL is ignored.
///
/// # Safety
/// `verdict` is NULL or a handle from `tl_verify_image` not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tl_image_verdict_free(verdict: *mut tl_image_verdict) {
    // SAFETY: forwarded from this function's contract.
    unsafe { crate::free_handle(verdict) }
}
